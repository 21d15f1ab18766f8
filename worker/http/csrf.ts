/**
 * CSRF protection for cookie-authenticated, state-changing requests: the browser must prove the
 * request comes from our own pages (Origin equal to ours, or Sec-Fetch-Site: same-origin).
 * Requests with a Bearer token carry no ambient credentials and are exempt. A request with neither
 * header and no cookies is a non-browser client and has nothing to forge.
 */
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfViolation(req: Request): boolean {
  if (SAFE.has(req.method)) return false;
  if (req.headers.get("authorization")?.toLowerCase().startsWith("bearer ")) return false;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  const self = new URL(req.url).origin;
  if (origin && origin !== "null") return origin !== self;
  if (site) return site !== "same-origin" && site !== "none";
  if (origin === "null") return true;
  return Boolean(req.headers.get("cookie"));
}
