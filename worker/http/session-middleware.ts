import type { MiddlewareHandler } from "hono";
import type { Principal } from "../authz/actor";
import type { ServiceContext } from "../services/context";
import { principalFromAccessToken, principalFromSession, refreshSession } from "../services/sessions";
import { DEVICE_TOKEN_PREFIX } from "../services/tracking/deviceSecrets";
import { ACCESS_COOKIE, REFRESH_COOKIE, clearSessionCookies, parseCookies, sessionCookies } from "./cookies";

export interface Resolved {
  principal: Principal | null;
  /** Set-Cookie values to add to the response (rotated or cleared session cookies). */
  setCookies: string[];
  via: "bearer" | "cookie" | null;
}

/**
 * Who is calling: a Bearer access token (API clients), or the browser's session cookies, refreshed
 * transparently when the access token has expired. Used by the API and the web app alike.
 */
export async function resolvePrincipal(ctx: ServiceContext, req: Request): Promise<Resolved> {
  const auth = req.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) {
    const token = auth.slice(7).trim();
    // A device token is never a user's: the agent routes check it themselves (agentAuth.ts), and
    // verifying it as a JWT here would only fail, on every upload.
    if (token.startsWith(DEVICE_TOKEN_PREFIX)) return { principal: null, setCookies: [], via: "bearer" };
    return { principal: await principalFromAccessToken(ctx, token), setCookies: [], via: "bearer" };
  }
  const cookies = parseCookies(req.headers.get("cookie"));
  const at = cookies[ACCESS_COOKIE];
  const rt = cookies[REFRESH_COOKIE];
  if (at) {
    const p = await principalFromAccessToken(ctx, at);
    if (p) return { principal: p, setCookies: [], via: "cookie" };
  }
  if (rt) {
    const r = await refreshSession(ctx, rt);
    if (r.kind === "rotated") {
      const p = await principalFromSession(ctx, r.tokens.sessionId, r.userId);
      return { principal: p, setCookies: p ? sessionCookies(r.tokens, ctx.now()) : clearSessionCookies(), via: "cookie" };
    }
    if (r.kind === "concurrent") {
      return { principal: await principalFromSession(ctx, r.sessionId, r.userId), setCookies: [], via: "cookie" };
    }
  }
  return { principal: null, setCookies: at || rt ? clearSessionCookies() : [], via: null };
}

export type AppVariables = {
  requestId: string;
  cspNonce: string;
  ctx: ServiceContext;
  principal: Principal | null;
  setCookies: string[];
};

export const sessionMiddleware: MiddlewareHandler<{ Variables: AppVariables }> = async (c, next) => {
  const r = await resolvePrincipal(c.get("ctx"), c.req.raw);
  c.set("principal", r.principal);
  c.set("setCookies", r.setCookies);
  await next();
  for (const sc of c.get("setCookies")) c.res.headers.append("set-cookie", sc);
};
