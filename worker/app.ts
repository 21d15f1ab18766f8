/**
 * The Hono app: request id, security headers, CSRF, session resolution, the API routers, the live
 * endpoint and, for everything else, the Remix web app.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { assertEnv } from "./env";
import { AppError, forbidden, notFound, payloadTooLarge, problemResponse } from "./http/problem";
import { csrfViolation } from "./http/csrf";
import { securityHeaders } from "./http/security-headers";
import { sessionMiddleware } from "./http/session-middleware";
import { createServiceContext } from "./services/context";
import { randomToken } from "./crypto/encoding";
import { api } from "./routes/api";
import { liveRoutes } from "./routes/live";
import type { AppEnv } from "./routes/_shared";

export const MAX_BODY_BYTES = 64 * 1024;
/** Larger bodies only where they belong: agent batches and encrypted screenshots. */
export const BODY_LIMITS: readonly (readonly [path: string, bytes: number])[] = [
  ["/api/v1/agent/batches", 1024 * 1024],
  ["/api/v1/agent/screenshots", 4 * 1024 * 1024],
];
const bodyLimitFor = (path: string) => BODY_LIMITS.find(([p]) => p === path)?.[1] ?? MAX_BODY_BYTES;

/** Our security headers where the handler set none of its own, and the request id. */
function addHeaders(headers: Headers, extra: Record<string, string>, requestId: string) {
  for (const k in extra) if (!headers.has(k)) headers.set(k, extra[k]!);
  headers.set("x-request-id", requestId);
}

export type RemixHandler = (c: import("hono").Context<AppEnv>) => Promise<Response>;

export function createApp(handleWeb: RemixHandler) {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    // Only HTML uses the nonce (pages' hydration script, /api/docs); /api/v1 answers are never HTML.
    c.set("cspNonce", c.req.path.startsWith("/api/v1/") ? "" : randomToken(16));
    c.set("ctx", createServiceContext(assertEnv(c.env), c.req.raw, (p) => c.executionCtx.waitUntil(p)));
    await next();
    const isHtml = (c.res.headers.get("content-type") ?? "").includes("text/html");
    const extra = securityHeaders(c.get("cspNonce"), isHtml);
    try {
      addHeaders(c.res.headers, extra, requestId);
    } catch (err) {
      // A response with immutable headers (e.g. one passed through from fetch): copy it once.
      if (!(err instanceof TypeError)) throw err;
      c.res = new Response(c.res.body, c.res);
      addHeaders(c.res.headers, extra, requestId);
    }
  });

  app.use("*", async (c, next) => {
    if (csrfViolation(c.req.raw)) throw forbidden("csrf_failed", "Cross-site request refused.");
    await next();
  });

  app.use("/api/*", (c, next) => {
    const maxSize = bodyLimitFor(c.req.path);
    return bodyLimit({ maxSize, onError: () => { throw payloadTooLarge(maxSize); } })(c, next);
  });
  app.use("*", sessionMiddleware);

  app.route("/api", api);
  app.all("/api/*", () => { throw notFound("route"); });

  app.route("/", liveRoutes);
  app.all("/live/*", () => { throw notFound("route"); });

  app.all("*", (c) => handleWeb(c));

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof AppError) return problemResponse(err, requestId);
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? "malformed_request" : status === 413 ? "payload_too_large" : `http_${status}`;
      return problemResponse(new AppError(status, code, err.message || "Bad request."), requestId);
    }
    console.error(JSON.stringify({ level: "error", requestId, message: String(err), stack: err instanceof Error ? err.stack : undefined }));
    return problemResponse(new AppError(500, "internal_error", "Something went wrong on our side. Quote the request id when reporting it."), requestId);
  });

  return app;
}
