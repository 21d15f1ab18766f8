/**
 * Keeps open live-board sockets in step with D1 (issue 5: "role changes and member removal take
 * effect on open sockets without a reload"). A viewer's scope is resolved once on connect; whatever
 * can change it afterwards (roles, team and project staffing, privacy toggles, membership) calls
 * `queueLiveRefresh`, which re-resolves the scope of every viewer with an open socket in one batch
 * and hands the results to the workspace's object: a changed scope gets a fresh snapshot, null
 * closes the viewer's sockets with 4403.
 *
 * It runs after the response (waitUntil) and never fails the request that caused it: the change is
 * already committed, and a board that lags is better than an error for a completed change.
 *
 * Each refresh is versioned with the Worker's clock when it started, before any D1 read: two
 * refreshes can reach the object in either order, and the object keeps the newer one
 * (worker/workspace/live/versions.ts).
 */
import { liveScopesOf } from "../../authz/liveScope";
import type { ServiceContext } from "../context";
import { workspaceObject } from "../time/object";

/** Re-resolves every open socket's scope now; `version` defaults to now (call time). */
export async function refreshLiveScopes(ctx: ServiceContext, workspaceId: string, version = ctx.now()): Promise<void> {
  const stub = workspaceObject(ctx, workspaceId);
  const viewers = await stub.liveViewers(version);
  if (!viewers.length) return;
  const scopes = await liveScopesOf(ctx.db, workspaceId, viewers);
  await stub.rescopeLive([...scopes].map(([viewerMemberId, scope]) => ({ viewerMemberId, scope })), version);
}

/**
 * After the response: takes `removedMemberIds` off every board (their records stay), then rescopes
 * the open sockets. Failures are logged, never thrown.
 */
export function queueLiveRefresh(ctx: ServiceContext, workspaceId: string, opts: { removedMemberIds?: string[] } = {}): void {
  // Taken now: after the change committed, and before any D1 read of the refresh (versions.ts).
  const version = ctx.now();
  const work = async () => {
    const stub = workspaceObject(ctx, workspaceId);
    for (const id of opts.removedMemberIds ?? []) await stub.removeFromBoard(id);
    await refreshLiveScopes(ctx, workspaceId, version);
  };
  ctx.waitUntil(work().catch((err: unknown) => {
    console.error(JSON.stringify({ level: "error", message: "live board refresh failed", workspaceId, error: String(err) }));
  }));
}
