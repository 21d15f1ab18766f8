/**
 * Wall-clock times of a member's zone for forms and pages: people type "09:30 on 10 March" in their
 * own zone, the system stores instants. Uses the same Intl-based offsets as the day boundaries
 * (workspace/localDay.ts), so a form and a report agree on what "that day" means.
 */
import { localDay, offsetAt } from "../../workspace/localDay";

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/** "HH:mm" of an instant in a zone (24-hour clock). */
export function localTime(ms: number, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) timeFormatters.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  return f.format(ms);
}

/** The value of an <input type="datetime-local"> for an instant, in the zone. */
export const localDateTime = (ms: number, timeZone: string) => `${localDay(ms, timeZone)}T${localTime(ms, timeZone)}`;

/**
 * The instant a wall-clock date and time denote in a zone. Times inside a DST gap (which never
 * happen) resolve to the instant after the gap; repeated times to their first occurrence.
 */
export function instantOf(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [h, min] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, min);
  let t = wall - offsetAt(wall, timeZone);
  t = wall - offsetAt(t, timeZone);
  return t;
}

export const today = (timeZone: string, now = Date.now()) => localDay(now, timeZone);

/** Calendar arithmetic on 'YYYY-MM-DD' (no zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the week a date falls in (ISO weeks). */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** "Mon 10 Mar 2025". */
export function dayLabel(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(Date.UTC(y, m - 1, d));
}

/** "1:05" for 3900 seconds. */
export function hoursMinutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
}
