/**
 * "A day" in reports is the member's local day (DESIGN.md). These helpers turn instants into local
 * dates ('YYYY-MM-DD') of an IANA time zone and back into [start, end) instants, using Intl only
 * (workerd has the full tz database). Days are not always 24 h long (DST) and local midnight does
 * not always exist, so bounds are searched, never computed as date + 86,400,000.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour!, min: parts.minute!, s: parts.second! };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function localDay(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * dayStart is pure and the ingest asks for the same few days on every batch (several Intl calls
 * each), so answers are remembered; the map is dropped whole when it grows large.
 */
const dayStarts = new Map<string, number>();
const DAY_START_CACHE_SIZE = 4096;

/** The first instant whose local date is `day`. */
export function dayStart(day: string, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return known;
  const t = computeDayStart(day, timeZone);
  if (dayStarts.size >= DAY_START_CACHE_SIZE) dayStarts.clear();
  dayStarts.set(key, t);
  return t;
}

function computeDayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  // Two rounds settle the offset unless midnight falls into a DST gap; then search the gap.
  let t = midnightUtc - offsetAt(midnightUtc, timeZone);
  t = midnightUtc - offsetAt(t, timeZone);
  if (localDay(t, timeZone) === day && localDay(t - 1, timeZone) !== day) return t;
  let lo = t - 3 * 3600_000;
  let hi = t + 3 * 3600_000;
  // Invariant: localDay(lo) < day <= localDay(hi) (ISO dates compare as strings).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid, timeZone) < day) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function dayBounds(day: string, timeZone: string): { startMs: number; endMs: number } {
  return { startMs: dayStart(day, timeZone), endMs: dayStart(nextDay(day), timeZone) };
}

/** Every local day that [startMs, endMs) touches (at least the day of startMs). */
export function daysTouched(startMs: number, endMs: number, timeZone: string): string[] {
  const days = [localDay(startMs, timeZone)];
  for (;;) {
    const last = days[days.length - 1]!;
    const next = nextDay(last);
    if (dayStart(next, timeZone) >= endMs) return days;
    days.push(next);
  }
}
