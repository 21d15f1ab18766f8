/**
 * Ids that tie a label, hint and error to their input. Derived from the field name so a page
 * does not have to invent them; pass an explicit id when one page has two fields of that name.
 */
export function fieldIds(name: string | undefined, id: string | undefined) {
  const base = id ?? `field-${(name ?? "input").replace(/[^A-Za-z0-9_-]/g, "-")}`;
  return { id: base, hintId: `${base}-hint`, errorId: `${base}-error` };
}

/** aria-describedby for an input: its hint and error, when they exist. */
export function describedBy(ids: { hintId: string; errorId: string }, hint: unknown, error: unknown, extra?: string) {
  const list = [extra, hint ? ids.hintId : undefined, error ? ids.errorId : undefined].filter(Boolean);
  return list.length ? list.join(" ") : undefined;
}
