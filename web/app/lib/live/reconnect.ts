/**
 * When to try again after the board's socket closed (pure; unit-tested): exponential back-off from
 * half a second, capped at 15 s, with jitter so that a whole office of open boards does not
 * reconnect in the same instant after a deploy or an outage.
 */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0 = the first after a drop): a random point in the upper
 * half of the exponential step, so it never drops to nothing and never exceeds the cap.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(step / 2 + (step / 2) * r);
}

/** The socket's address for a workspace, on the page's own origin (http → ws, https → wss). */
export function liveSocketUrl(origin: string, workspaceId: string): string {
  return `${origin.replace(/^http/, "ws")}/live/${encodeURIComponent(workspaceId)}`;
}
