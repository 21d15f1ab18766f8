/**
 * Board rows carry ids only; the names come from the loader's directory. When a row names an id
 * the directory does not know (someone joined, a project was created since the page loaded), the
 * page reloads its loader data (Remix revalidation) so the name appears; meanwhile the row says
 * "Unknown member" / "Unknown project".
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** At most one directory reload per this period, however many unknown ids arrive. */
const REVALIDATE_EVERY_MS = 10_000;

/**
 * Reloads the directory (once per unknown id, throttled) when the board shows an id it cannot name.
 * The timer is not reset by later frames, so a busy board cannot postpone the reload forever.
 */
export function useDirectoryRefresh(unknown: readonly string[]) {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const asked = useRef(new Set<string>());
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(unknown);
  latest.current = unknown;

  useEffect(() => {
    if (timer.current || !unknown.some((id) => !asked.current.has(id))) return;
    const wait = Math.max(0, lastAt.current + REVALIDATE_EVERY_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      // Asked once: an id the fresh directory still cannot name (out of scope) does not loop.
      for (const id of latest.current) asked.current.add(id);
      lastAt.current = Date.now();
      revalidate.current();
    }, wait);
  }, [unknown]);

  useEffect(() => () => clearTimeout(timer.current), []);
}
