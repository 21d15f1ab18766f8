/**
 * What the Worker's /live route hands the object with a viewer's WebSocket upgrade, in internal
 * headers it sets itself on a new request (worker/routes/live.ts; nothing the client sent gets
 * through):
 * - the viewer's LiveScope, resolved from D1 by the authz module;
 * - the id of the session that opened the socket, so that revoking the session closes the socket
 *   at once (closeLiveSessions, LIVE_CLOSE.signedOut);
 * - when the Worker started resolving that scope (its clock, epoch ms), so that a scope resolved
 *   before a rescope the object already applied is not kept (versions.ts).
 */
import { z } from "zod";
import { LiveScope } from "../../contract/live";
import { UUID_RE } from "../../db/ids";
import { AppError } from "../../http/problem";

export const LIVE_SCOPE_HEADER = "x-worktrail-live-scope";
export const LIVE_SESSION_HEADER = "x-worktrail-live-session";
export const LIVE_RESOLVED_AT_HEADER = "x-worktrail-live-resolved-at";

/** Session ids are UUIDv7 (sessions.ts); the shape also keeps the socket tag short and plain. */
export const LiveSessionId = z.string().regex(UUID_RE);

/** A version or resolve time: the Worker's clock in epoch milliseconds. */
export const ScopeVersion = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export interface LiveUpgrade {
  scope: LiveScope;
  sessionId: string;
  resolvedAt: number;
}

function jsonOrNull(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The three headers, parsed; an AppError (400) names the first one missing or invalid. */
export function readUpgrade(headers: Headers): LiveUpgrade | AppError {
  const scope = LiveScope.safeParse(jsonOrNull(headers.get(LIVE_SCOPE_HEADER)));
  if (!scope.success) return new AppError(400, "invalid_live_scope", "The live scope is missing or invalid.");
  const sessionId = LiveSessionId.safeParse(headers.get(LIVE_SESSION_HEADER));
  if (!sessionId.success) return new AppError(400, "invalid_live_session", "The live session id is missing or invalid.");
  const rawAt = headers.get(LIVE_RESOLVED_AT_HEADER) ?? "";
  const resolvedAt = ScopeVersion.safeParse(/^\d{1,16}$/.test(rawAt) ? Number(rawAt) : null);
  if (!resolvedAt.success) return new AppError(400, "invalid_live_resolved_at", "The live scope's resolve time is missing or invalid.");
  return { scope: scope.data, sessionId: sessionId.data, resolvedAt: resolvedAt.data };
}
