/**
 * Recognising database errors that writers answer instead of failing with a 500.
 */

/**
 * True when `e` is (or wraps) SQLite's "UNIQUE constraint failed". D1 reports it as
 * "D1_ERROR: UNIQUE constraint failed: …" and drizzle wraps that in a DrizzleQueryError whose
 * `cause` holds the original, so the whole cause chain is searched.
 */
export function isUniqueViolation(e: unknown): boolean {
  const seen = new Set<unknown>();
  for (let cur: unknown = e; cur && !seen.has(cur); cur = causeOf(cur)) {
    seen.add(cur);
    if (String(cur).includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

function causeOf(e: unknown): unknown {
  return typeof e === "object" && e !== null && "cause" in e ? e.cause : undefined;
}
