/**
 * Browser sign-in plumbing for the account pages: where to go after signing in, and the cookies
 * that carry a session or a pending two-factor challenge (all __Host-, HttpOnly, Secure, Lax).
 */
import { redirect } from "@remix-run/cloudflare";
import { CHALLENGE_COOKIE, clearSessionCookies, parseCookies, serializeCookie, sessionCookies } from "../../../worker/http/cookies";
import { CHALLENGE_TTL_SECONDS } from "../../../worker/services/auth/login";
import type { IssuedTokens } from "../../../worker/services/sessions";

/**
 * `next` only if it is a path on this site: "/x" yes; "//evil.example", "/\\evil.example",
 * "https://…" and anything with control characters no (an open redirect would let a phishing
 * link bounce through our sign-in page).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  try {
    const base = "http://same.invalid";
    const url = new URL(next, base);
    return url.origin === base ? url.pathname + url.search + url.hash : "/";
  } catch {
    return "/";
  }
}

function headersWith(cookies: string[]): Headers {
  const h = new Headers();
  for (const c of cookies) h.append("set-cookie", c);
  return h;
}

/** The redirect that completes a browser sign-in: session cookies set, any 2FA challenge cleared. */
export function signedInRedirect(tokens: IssuedTokens, now: number, next: string | null | undefined) {
  return redirect(safeNext(next), { headers: headersWith([...sessionCookies(tokens, now), serializeCookie(CHALLENGE_COOKIE, "", 0)]) });
}

export function twoFactorRedirect(challenge: string, next: string | null | undefined) {
  const to = `/login/2fa?next=${encodeURIComponent(safeNext(next))}`;
  return redirect(to, { headers: headersWith([serializeCookie(CHALLENGE_COOKIE, challenge, CHALLENGE_TTL_SECONDS)]) });
}

export function signedOutRedirect(to = "/login") {
  return redirect(to, { headers: headersWith([...clearSessionCookies(), serializeCookie(CHALLENGE_COOKIE, "", 0)]) });
}

export function readChallenge(request: Request): string | null {
  return parseCookies(request.headers.get("cookie"))[CHALLENGE_COOKIE] || null;
}

/** Clears the challenge cookie, e.g. when it expired, and sends the person back to the password step. */
export function restartLogin(next: string | null | undefined) {
  return redirect(`/login?next=${encodeURIComponent(safeNext(next))}&expired=1`, { headers: headersWith([serializeCookie(CHALLENGE_COOKIE, "", 0)]) });
}
