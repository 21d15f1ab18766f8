/**
 * The board's alarm (one per object; the Workspace object has no other alarm). It does two things:
 * - a member whose agent went silent (desktop source, lastSeenAt + offlineAfterMs passed) becomes
 *   offline: timer fields cleared, today's totals recomputed (the entry in progress now counts);
 * - at each member's local midnight, today's totals start again from the new day.
 * A web or API timer sends no heartbeats, so it never goes offline here.
 * The alarm is set at the earliest of these due times over all rows (pure functions below; the
 * scheduling itself is in board.ts).
 */
import type { BoardRow } from "./boardStore";
import { clearTimer, withToday, type TodayAt } from "./transitions";

export function offlineDueAt(row: BoardRow): number | null {
  if (row.status === "offline" || row.source !== "desktop" || row.lastSeenAt === null || row.offlineAfterMs === null) return null;
  return row.lastSeenAt + row.offlineAfterMs;
}

/** When the alarm must look at this row next. */
export function dueAt(row: BoardRow): number {
  const offline = offlineDueAt(row);
  return offline === null ? row.todayEndsAt : Math.min(offline, row.todayEndsAt);
}

/** The earliest due time over the rows, or null when there are none. */
export function nextDue(rows: Iterable<BoardRow>): number | null {
  let next: number | null = null;
  for (const r of rows) {
    const d = dueAt(r);
    if (next === null || d < next) next = d;
  }
  return next;
}

/** What the alarm does to one row at `now` (the same row object when nothing is due). */
export function onAlarm(row: BoardRow, now: number, todayAt: TodayAt): BoardRow {
  const offline = offlineDueAt(row);
  const goesOffline = offline !== null && offline <= now;
  if (!goesOffline && now < row.todayEndsAt) return row;
  const next: BoardRow = goesOffline ? { ...row, status: "offline", ...clearTimer } : row;
  return { ...withToday(row, next, now, todayAt, true), updatedAt: now };
}
