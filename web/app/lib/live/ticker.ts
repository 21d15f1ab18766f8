/**
 * Shared clocks for the board's moving numbers. One timer per period for the whole page (not one
 * per row), started while some cell listens and aligned to the period boundary, so all timers on
 * the board turn over together. Only the cells that show a moving time subscribe; the rest of the
 * table does not re-render on a tick.
 */
import { useSyncExternalStore } from "react";

export interface Ticker {
  subscribe: (listener: () => void) => () => void;
  now: () => number;
}

export function createTicker(periodMs: number): Ticker {
  const listeners = new Set<() => void>();
  let now = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const tick = () => {
    now = Date.now();
    for (const l of listeners) l();
    timer = setTimeout(tick, periodMs - (now % periodMs));
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) {
        now = Date.now();
        timer = setTimeout(tick, periodMs - (now % periodMs));
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) clearTimeout(timer);
      };
    },
    now: () => {
      // Nobody listening means no ticks: a value read now (a cell that just mounted, or one whose
      // row is out of view) would otherwise be as old as the last tick. Refreshed at most once a
      // period, so two reads within one render agree, as useSyncExternalStore requires.
      if (listeners.size === 0 && Date.now() - now >= periodMs) now = Date.now();
      return now;
    },
  };
}

/** Elapsed timers and today's totals. */
export const secondTicker = createTicker(1000);
/** "Last seen 5 min ago": minutes are enough. */
export const minuteTicker = createTicker(15_000);

const noSubscription = () => () => {};
const serverNow = () => 0;

/**
 * The ticker's time (browser clock) while `enabled`; a cell whose value does not move (a stopped
 * timer) passes false and is not woken. On the server there is no time (0): rows only exist in the
 * browser, after the socket's snapshot.
 */
export function useTick(ticker: Ticker, enabled: boolean): number {
  return useSyncExternalStore(enabled ? ticker.subscribe : noSubscription, ticker.now, serverNow);
}
