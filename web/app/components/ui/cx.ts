/** Joins class names, skipping empty ones (keeps component markup readable). */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
