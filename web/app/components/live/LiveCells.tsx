/**
 * The board's cells whose text moves with time. Each subscribes to a shared ticker only while its
 * value moves (a running timer, an offline member's "last seen") and its row can be seen
 * (`ticking`, onScreen.ts), so a tick re-renders these small cells of the visible rows and never
 * the rows around them.
 */
import { createContext, useContext } from "react";
import type { LiveMember } from "../../../../worker/contract/live";
import { elapsedSeconds, formatClock, formatLastSeen, formatTotal, isRunning, todaySecondsAt } from "../../lib/live/time";
import { minuteTicker, secondTicker, useTick } from "../../lib/live/ticker";

/**
 * Server clock minus browser clock. A mutable holder rather than a value: the offset is refreshed
 * by every frame, and passing it down as a prop would re-render every row each time.
 */
export interface ServerClock {
  offsetMs: number;
}
export const ServerClockContext = createContext<ServerClock>({ offsetMs: 0 });

function useServerNow(ticker: typeof secondTicker, enabled: boolean): number {
  const clock = useContext(ServerClockContext);
  return useTick(ticker, enabled) + clock.offsetMs;
}

type TimedRow = Pick<LiveMember, "status" | "timerStartedAt" | "todayStartsAt" | "todaySeconds">;

export function ElapsedCell({ row, ticking }: { row: TimedRow; ticking: boolean }) {
  const running = isRunning(row);
  const now = useServerNow(secondTicker, running && ticking);
  const s = running ? elapsedSeconds(row, now) : null;
  return <div role="cell" className="live-cell num live-timer">{s === null ? <><span className="muted" aria-hidden="true">—</span><span className="sr-only">No timer</span></> : formatClock(s)}</div>;
}

export function TodayCell({ row, ticking }: { row: TimedRow; ticking: boolean }) {
  const running = isRunning(row);
  const now = useServerNow(secondTicker, running && ticking);
  return <div role="cell" className="live-cell num live-today">{formatTotal(todaySecondsAt(row, now))}</div>;
}

export function LastSeen({ lastSeenAt, ticking }: { lastSeenAt: number | null; ticking: boolean }) {
  const now = useServerNow(minuteTicker, ticking);
  return <span className="live-last-seen">last seen {formatLastSeen(lastSeenAt, now)}</span>;
}
