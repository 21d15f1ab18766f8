/**
 * A revoked session's open live-board sockets close at once (LIVE_CLOSE.signedOut, 4401) instead of
 * streaming until they happen to reconnect. Every revocation path (sign-out, signing out another
 * session, password change or reset, access ended, account deletion) calls `queueLiveSessionClose`
 * with the revoked session ids; each workspace the user is an active member of is told to close the
 * sockets those sessions opened (the object tags each socket with its session).
 *
 * It runs after the response (waitUntil) and never fails the request: the session is already
 * revoked in D1, so the socket's page could not reconnect anyway; failures are logged.
 */
import type { ServiceContext } from "../context";
import { workspaceObject } from "../time/object";

/** The object's RPC takes at most this many ids at a time. */
const CHUNK = 1000;

/**
 * `workspaceIds`: the workspaces to tell, or a function that reads them after the response (the
 * user's active memberships); account deletion passes them in, since its memberships are gone by then.
 */
export function queueLiveSessionClose(
  ctx: ServiceContext,
  sessionIds: readonly string[],
  workspaceIds: readonly string[] | (() => Promise<readonly string[]>),
): void {
  if (!sessionIds.length) return;
  const fail = (err: unknown, workspaceId?: string) =>
    console.error(JSON.stringify({ level: "error", message: "closing revoked sessions' live sockets failed", workspaceId, error: String(err) }));
  const closeIn = async (workspaceId: string) => {
    const stub = workspaceObject(ctx, workspaceId);
    for (let i = 0; i < sessionIds.length; i += CHUNK) await stub.closeLiveSessions(sessionIds.slice(i, i + CHUNK));
  };
  const work = async () => {
    const targets = typeof workspaceIds === "function" ? await workspaceIds() : workspaceIds;
    // One workspace failing must not keep the others' sockets open.
    await Promise.all(targets.map((ws) => closeIn(ws).catch((err: unknown) => fail(err, ws))));
  };
  ctx.waitUntil(work().catch((err: unknown) => fail(err)));
}
