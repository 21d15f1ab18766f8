/**
 * Counts at the top of the board. The visible numbers follow every frame; screen readers get the
 * same summary through a polite live region that speaks at most every ANNOUNCE_EVERY_MS, so a busy
 * office does not turn into a stream of announcements (and a timer's tick never announces).
 */
import { useEffect, useRef, useState } from "react";
import type { StatusCounts } from "../../lib/live/filters";

const ANNOUNCE_EVERY_MS = 10_000;

const ITEMS = [
  { key: "tracking", label: "Working" },
  { key: "idle", label: "Idle" },
  { key: "stopped", label: "Stopped" },
  { key: "offline", label: "Offline" },
  { key: "total", label: "Total" },
] as const;

export function summary(c: StatusCounts): string {
  return `${c.tracking} working, ${c.idle} idle, ${c.stopped} stopped, ${c.offline} offline, ${c.total} in total.`;
}

function useThrottledText(text: string | null): string {
  const [spoken, setSpoken] = useState("");
  const lastAt = useRef(0);
  useEffect(() => {
    if (text === null) return;
    const wait = Math.max(0, lastAt.current + ANNOUNCE_EVERY_MS - Date.now());
    const t = setTimeout(() => {
      lastAt.current = Date.now();
      setSpoken(text);
    }, wait);
    return () => clearTimeout(t);
  }, [text]);
  return spoken;
}

/** `counts` is null until the first snapshot arrives. */
export function LiveCounts({ counts }: { counts: StatusCounts | null }) {
  const spoken = useThrottledText(counts ? summary(counts) : null);
  return (
    <>
      <ul className="live-counts" aria-label="Members by status">
        {ITEMS.map((item) => (
          <li key={item.key} className={`live-count live-count-${item.key}`}>
            {item.key !== "total" ? <span className={`live-dot live-dot-${item.key}`} aria-hidden="true" /> : null}
            <span className="live-count-value">{counts ? counts[item.key] : "–"}</span>
            <span className="live-count-label">{item.label}</span>
          </li>
        ))}
      </ul>
      <p className="sr-only" aria-live="polite" aria-atomic="true">{spoken}</p>
    </>
  );
}
