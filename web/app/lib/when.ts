/**
 * Times as a member reads them: in their own time zone, formatted on the server (loaders), so the
 * browser's clock or locale cannot change what the page says and hydration matches.
 */
export function formatInZone(ms: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(ms);
  } catch {
    // An unknown zone (never stored by our forms, but data outlives validation) falls back to UTC.
    return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  }
}
