/**
 * Browser session cookies. `__Host-` pins them to this origin, path / and Secure; HttpOnly keeps them
 * from scripts; SameSite=Lax keeps them off cross-site subrequests (CSRF has its own check too).
 */
import type { IssuedTokens } from "../services/sessions";

export const ACCESS_COOKIE = "__Host-wt_at";
export const REFRESH_COOKIE = "__Host-wt_rt";
export const CHALLENGE_COOKIE = "__Host-wt_2fa";

export function serializeCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Lax`;
}

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !(k in out)) out[k] = v;
  }
  return out;
}

export function sessionCookies(t: IssuedTokens, now: number): string[] {
  const maxAge = (t.expiresAt - now) / 1000;
  return [serializeCookie(ACCESS_COOKIE, t.accessToken, maxAge), serializeCookie(REFRESH_COOKIE, t.refreshToken, maxAge)];
}

export const clearSessionCookies = (): string[] => [serializeCookie(ACCESS_COOKIE, "", 0), serializeCookie(REFRESH_COOKIE, "", 0)];
