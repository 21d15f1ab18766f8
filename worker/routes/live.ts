/**
 * GET /live/{workspaceId}: the live board's WebSocket (issue 5; protocol in worker/contract/live.ts).
 * Not under /api: a browser opens it with its session cookies, which is why the checks come in this
 * order and each answers problem+json before any upgrade:
 *   1. a WebSocket upgrade, else 426 `websocket_required`;
 *   2. a browser session (the session middleware resolved the cookies, refreshing them when the
 *      access token had expired), else 401 `unauthenticated`. Bearer tokens are not accepted: the
 *      board is a page's, and a browser cannot put a header on a WebSocket;
 *   3. Origin equal to our own, else 403 `origin_not_allowed`. Browsers send cookies with cross-site
 *      WebSocket upgrades and the same-origin policy does not apply to them, so without this any
 *      site could open the board as a signed-in manager (cross-site WebSocket hijacking);
 *   4. opening rate, per user (429 `rate_limited`);
 *   5. an active member of the workspace, else 404 like every workspace route;
 *   6. a live scope (time:read), else 403 `live_not_allowed`.
 * The upgrade then goes to the workspace's object in a NEW request carrying the scope resolved here,
 * the session's id (revoking the session closes the socket) and when the resolving started: nothing
 * the client sent (a forged scope header, its cookies) reaches the object. When a refresh of the
 * workspace's scopes started after that, the object answers 409 `live_scope_stale` and the scope is
 * resolved again (worker/workspace/live/versions.ts).
 */
import { Hono } from "hono";
import { liveScope } from "../authz/liveScope";
import { AppError, forbidden, unauthorized } from "../http/problem";
import { loadActor } from "../services/actor";
import { workspaceObject } from "../services/time/object";
import { enforceRateLimit, type RateLimit } from "../services/tracking/rateLimit";
import { LIVE_RESOLVED_AT_HEADER, LIVE_SCOPE_HEADER, LIVE_SESSION_HEADER } from "../workspace/live/upgrade";
import type { AppEnv } from "./_shared";

/**
 * A page reconnects with backoff and the object keeps at most 20 sockets per viewer, so a person
 * opens a few sockets a minute; this stops a loop or a script from hammering D1 and the object.
 */
export const LIVE_OPEN_LIMIT: RateLimit = { name: "live_open", limit: 60, windowMs: 60_000 };

/** Resolving again after a refresh overtook the first resolution; past that the client's own retry takes over. */
const RESOLVE_ATTEMPTS = 3;

/** WebSocket handshake headers the object's runtime needs; nothing else of the client's request is forwarded. */
const HANDSHAKE_HEADERS = ["upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"];

export const liveRoutes = new Hono<AppEnv>();

liveRoutes.get("/live/:workspaceId", async (c) => {
  const ctx = c.get("ctx");
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError(426, "websocket_required", "The live board is a WebSocket: open it with an Upgrade: websocket request.", undefined, { upgrade: "websocket" });
  }
  const principal = c.get("principal");
  if (!principal || c.req.header("authorization")) throw unauthorized("unauthenticated", "Sign in to the web app to open the live board.");
  if (c.req.header("origin") !== ctx.origin) {
    throw forbidden("origin_not_allowed", "The live board opens only from this site's own pages.");
  }
  await enforceRateLimit(ctx, `user:${principal.userId}:${LIVE_OPEN_LIMIT.name}`, LIVE_OPEN_LIMIT, "Too many live board connections. Wait a moment before reconnecting.");

  for (let attempt = 1; ; attempt++) {
    // Taken before the first D1 read the scope depends on (the member's role is read by loadActor).
    const resolvedAt = ctx.now();
    const actor = await loadActor(ctx, principal, c.req.param("workspaceId"));
    const scope = await liveScope(ctx.db, actor);
    if (!scope) throw forbidden("live_not_allowed", "Your role in this workspace does not show the live board.");

    const headers = new Headers();
    for (const name of HANDSHAKE_HEADERS) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    headers.set(LIVE_SCOPE_HEADER, JSON.stringify(scope));
    headers.set(LIVE_SESSION_HEADER, principal.sessionId);
    headers.set(LIVE_RESOLVED_AT_HEADER, String(resolvedAt));
    const res = await workspaceObject(ctx, actor.workspace.id).fetch(new Request(c.req.url, { method: "GET", headers }));
    if (res.status === 409 && attempt < RESOLVE_ATTEMPTS) continue; // live_scope_stale: resolve again
    if (!res.webSocket) return res; // the object refused (a problem+json): pass it on
    // A fresh response: the object's headers are immutable, and the middlewares add security headers
    // and the session middleware any rotated cookies (browsers store Set-Cookie of a 101).
    return new Response(null, { status: 101, webSocket: res.webSocket });
  }
});
