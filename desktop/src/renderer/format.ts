/**
 * Display formatting shared by the window and the tray (pure; no DOM, no Node). Durations are
 * floored to whole minutes so the total never shows time that was not tracked yet.
 */

/** 0 → "0 min", 59 → "0 min", 3720 → "1 h 02 min". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h === 0 ? `${m} min` : `${h} h ${String(m).padStart(2, "0")} min`;
}

/** 3720 → "1:02" (the macOS menu bar title). */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds / 60));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** An ISO time as local HH:MM. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Seconds between two ISO times (end null = now). */
export function spanSeconds(start: string, end: string | null, now = Date.now()): number {
  const a = Date.parse(start);
  const b = end === null ? now : Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, (b - a) / 1000) : 0;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 100 * 1024 * 1024 ? 1 : 0)} MB`;
}

export function formatPercent(p: number): string {
  return `${p < 10 ? p.toFixed(1) : Math.round(p)} %`;
}
