/**
 * Ordering of scope updates. A scope is resolved by a Worker from D1 and reaches the object later;
 * two refreshes fired in quick succession (or an upgrade racing a refresh) can arrive in either
 * order. Every scope therefore carries a version: the Worker's clock when it STARTED resolving
 * (worker/services/live/rescope.ts, worker/routes/live.ts). A refresh starts after the change that
 * caused it has committed, so the refresh that started last has seen every change before it, and
 * every later change brings a later refresh: keeping the scope with the highest version converges
 * on D1's state. (Versions from different Workers compare by wall clock, which the platform keeps
 * in step; equal versions are applied in arrival order.)
 *
 * Kept here:
 * - per viewer, the highest version of a rescope the object received: an older update is ignored;
 * - the version of the latest refresh that listed the viewers (liveViewers): it only rescopes the
 *   viewers it listed, so an upgrade whose scope was resolved before that refresh started and that
 *   reached the object after the listing might hold a scope the refresh would have changed.
 * An upgrade whose scope is older than either is refused (409, `live_scope_stale`) and the Worker
 * resolves the scope again.
 *
 * This memory is lost when the object leaves memory. Each socket's attachment therefore keeps the
 * version of its own scope too (hub.ts), and a rescope only replaces a socket's scope with one at
 * least as new: that survives hibernation. Only the upgrade check forgets, which takes an upgrade
 * in flight across an eviction (milliseconds against the seconds of idleness an eviction needs).
 */
import { AppError } from "../../http/problem";

export const staleScope = () =>
  new AppError(409, "live_scope_stale", "The live scope changed while the connection was being opened; resolve it again.");

export class ScopeVersions {
  private refreshedAt = 0;
  private readonly applied = new Map<string, number>();

  /** A refresh that started at `version` listed the viewers with open sockets. */
  noteRefresh(version: number) {
    if (version > this.refreshedAt) this.refreshedAt = version;
  }

  /** Whether a rescope of this viewer at `version` is older than one already received (then it is ignored). */
  isOutdated(viewerMemberId: string, version: number): boolean {
    return version < (this.applied.get(viewerMemberId) ?? 0);
  }

  /** A rescope of this viewer at `version` was received (applied, or the viewer had no socket). */
  noteApplied(viewerMemberId: string, version: number) {
    if (version > (this.applied.get(viewerMemberId) ?? 0)) this.applied.set(viewerMemberId, version);
  }

  /** Whether a scope resolved at `resolvedAt` may predate a rescope of this viewer (the upgrade is refused). */
  isStale(viewerMemberId: string, resolvedAt: number): boolean {
    return resolvedAt < Math.max(this.refreshedAt, this.applied.get(viewerMemberId) ?? 0);
  }

  clear() {
    this.refreshedAt = 0;
    this.applied.clear();
  }
}
