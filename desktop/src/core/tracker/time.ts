/**
 * Time in the tracker is counted in whole epoch seconds: entries, slots, usage and idle spans all
 * start and end on second boundaries, so the seconds an entry covers and the seconds its slots
 * count are the same seconds (what the fault run compares).
 */
import { SLOT_SECONDS } from "../../../../worker/contract/agent";

export const secondOf = (ms: number): number => Math.floor(ms / 1000);

/** ISO 8601 without milliseconds (always .000 here). */
export const isoAt = (sec: number): string => new Date(sec * 1000).toISOString().replace(".000Z", "Z");

/** The 10-minute wall-clock slot (UTC boundary) a second belongs to. */
export const slotStartOf = (sec: number): number => sec - (((sec % SLOT_SECONDS) + SLOT_SECONDS) % SLOT_SECONDS);

/** The local day (the machine's time zone, like the employee's tray total) containing `ms`, in seconds. */
export function localDayOf(ms: number): { start: number; end: number } {
  const d = new Date(ms);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  return { start: secondOf(start), end: secondOf(end) };
}

export const overlap = (aStart: number, aEnd: number, bStart: number, bEnd: number): number =>
  Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
