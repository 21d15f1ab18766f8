/**
 * Time on the live board. Rows carry epoch milliseconds on the server's clock; the page adds the
 * offset between the server's clock and the browser's (from each frame's serverTime) so a viewer
 * whose computer clock is off still sees the right elapsed times. Pure functions (unit-tested).
 */
import type { LiveMember } from "../../../../worker/contract/live";

type TimedRow = Pick<LiveMember, "status" | "timerStartedAt" | "todayStartsAt" | "todaySeconds">;

/** A timer counts as running while the member is tracking or idle (idle time stays on the timer). */
export function isRunning(row: Pick<LiveMember, "status" | "timerStartedAt">): row is typeof row & { timerStartedAt: number } {
  return (row.status === "tracking" || row.status === "idle") && row.timerStartedAt !== null;
}

/** Whole seconds the running timer has run at `now` (server clock), or null when none runs. */
export function elapsedSeconds(row: TimedRow, now: number): number | null {
  if (!isRunning(row)) return null;
  return Math.max(0, Math.floor((now - row.timerStartedAt) / 1000));
}

/**
 * Today's tracked seconds at `now`: the closed part the server counted plus the part of the running
 * timer that falls into today (a timer started yesterday counts from the start of today).
 */
export function todaySecondsAt(row: TimedRow, now: number): number {
  if (!isRunning(row)) return row.todaySeconds;
  const from = Math.max(row.timerStartedAt, row.todayStartsAt);
  return row.todaySeconds + Math.max(0, Math.floor((now - from) / 1000));
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A running timer: "0:04:09", "12:00:00". */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 3600)}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

/** A total: "0m", "45m", "3h 05m". */
export function formatTotal(totalSeconds: number): string {
  const m = Math.floor(Math.max(0, totalSeconds) / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${pad2(m % 60)}m`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; null (never heard from) is "never". */
export function formatLastSeen(lastSeenAt: number | null, now: number): string {
  if (lastSeenAt === null) return "never";
  const s = Math.max(0, Math.floor((now - lastSeenAt) / 1000));
  if (s < 60) return "just now";
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** Server minus browser clock, from a frame's serverTime and when the browser received it. */
export const clockOffset = (serverTime: number, receivedAt: number) => serverTime - receivedAt;
