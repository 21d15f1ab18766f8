/** A Browser (cookie jar) signed in as a user, through the real session service and cookie names. */
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { createSession } from "../../worker/services/sessions";
import { ctx } from "../helpers/factory";
import { Browser } from "../helpers/http";

export async function signedIn(userId: string): Promise<Browser> {
  const t = await createSession(ctx(), userId, "browser", ["pwd"]);
  const b = new Browser();
  b.cookies.set(ACCESS_COOKIE, t.accessToken);
  b.cookies.set(REFRESH_COOKIE, t.refreshToken);
  return b;
}

/** Every check a rendered page must pass under our CSP: no inline styles, every inline script carries the nonce. */
export function cspSafe(html: string, csp: string | null) {
  const nonce = /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  return {
    inlineStyles: (html.match(/\sstyle=/g) ?? []).length,
    scriptsWithoutNonce: scripts.filter((s) => !s.includes(`nonce="${nonce}"`)).length,
    nonce,
  };
}
