import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import type { ItemResult } from "../contract/agent";
import { LIVE_PING, LIVE_PONG, type LiveMember, type LiveScope } from "../contract/live";
import type { Env } from "../env";
import { applyBatch, IngestInput, prepareItems, pruneReceipts, type ReceiptPruner } from "./ingest";
import migrations from "./migrations/migrations.js";
import * as schema from "./schema";
import { LiveBoard, type RescopeUpdates } from "./live/board";
import type { LiveHeartbeat } from "./live/heartbeat";
import { TrackingStore, type DayRollup, type MemberDay } from "./trackingStore";
import { applyTimeCommand, readEntry, runningEntry, TimeCommand, type StoredEntry, type TimeResult } from "./timeEntries";
import { readTimeView, TimeViewQuery, type TimeView } from "./timeView";
import {
  NewShot, ScreenshotStore, ShotDeletion, ShotListQuery, ShotProbe, ShotScope,
  type ShotDeletionResult, type ShotRow, type ShotVerdict,
} from "./screenshots";

/**
 * One object per workspace (idFromName(workspaceId)). It is the single writer of that workspace's
 * tracking records and hosts its live board (DESIGN.md; worker/workspace/live/). Access decisions
 * are made by the Worker's authz module and passed in; the object never decides who may see what.
 */
export class WorkspaceObject extends DurableObject<Env> {
  readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private readonly store: TrackingStore;
  private readonly shots: ScreenshotStore;
  private readonly live: LiveBoard;
  private readonly pruner: ReceiptPruner = { clearBefore: null };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    this.store = new TrackingStore(ctx.storage.sql);
    this.shots = new ScreenshotStore(ctx.storage.sql);
    this.live = new LiveBoard(ctx);
    // The runtime answers the board's keep-alive without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE_PING, LIVE_PONG));
    // Migrations run before any request reaches the object.
    ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
      await this.live.init();
    });
  }

  /** Tables present in the object's SQLite (used by the platform tests to prove migrations ran). */
  async tables(): Promise<string[]> {
    return this.ctx.storage.sql
      .exec<{ name: string }>("select name from sqlite_master where type = 'table' and name not like '\\_%' escape '\\' order by name")
      .toArray()
      .map((r) => r.name);
  }

  /**
   * Stores one agent batch for one member (docs/decisions/0006-idempotent-ingest.md). The caller has
   * authenticated the device and passes its member, the member's time zone, the measured clock offset
   * and the workspace's privacy rules. Answers one result per item, in the batch's order.
   */
  async ingest(input: IngestInput): Promise<ItemResult[]> {
    // The RPC boundary is parsed like any other: items are checked one by one with the contract.
    const parsed = IngestInput.parse(input);
    const prepared = await prepareItems(parsed);
    // Nothing awaits from here on: receipts are read and all valid items written in one transaction,
    // so concurrent batches of the same member are applied one after the other. Expired receipts
    // are pruned after the batch was answered from them (ADR 0008).
    const results = this.ctx.storage.transactionSync(() => {
      const results = applyBatch(this.store, parsed, prepared);
      pruneReceipts(this.store, parsed, this.pruner);
      return results;
    });
    // Activity %, current app and today's totals on the board (not status: a backlog is not presence).
    this.afterWrite(() => this.live.afterIngest(parsed, prepared, results));
    return results;
  }

  /**
   * A member's entries, slots (with activity %), usage and idle spans intersecting [fromMs, toMs), and
   * the screenshots taken in it that `shotScope` (the viewer's screenshots:read scope) covers; without
   * a scope, no screenshots.
   */
  async memberDay(memberId: string, fromMs: number, toMs: number, shotScope?: ShotScope): Promise<MemberDay & { screenshots: ShotRow[] }> {
    const screenshots = shotScope
      ? this.shots.list({ memberId, fromMs, toMs, scope: ShotScope.parse(shotScope), limit: 500, after: null })
      : [];
    return { ...this.store.memberDay(memberId, fromMs, toMs), screenshots };
  }

  /** Day rollup rows of a member for local days fromDay..toDay ('YYYY-MM-DD', inclusive). */
  async rollups(memberId: string, fromDay: string, toDay: string): Promise<DayRollup[]> {
    return this.store.rollups(memberId, fromDay, toDay);
  }

  /** People's writes of time entries (timer, manual entries, edits, approvals): see timeEntries.ts. */
  async timeCommand(cmd: TimeCommand): Promise<TimeResult> {
    const parsed = TimeCommand.parse(cmd);
    const result = this.ctx.storage.transactionSync(() => applyTimeCommand(this.ctx.storage.sql, this.store, parsed));
    this.afterWrite(() => this.live.afterTimeCommand(parsed, result));
    return result;
  }

  /** A live time entry by id, or null. */
  async timeEntry(id: string): Promise<StoredEntry | null> {
    return readEntry(this.ctx.storage.sql, id);
  }

  async runningEntry(memberId: string): Promise<StoredEntry | null> {
    return runningEntry(this.ctx.storage.sql, memberId);
  }

  /** A member's timesheet limited to the member/project sets the Worker resolved (timeView.ts). */
  async timeView(query: TimeViewQuery): Promise<TimeView> {
    return readTimeView(this.ctx.storage.sql, TimeViewQuery.parse(query));
  }

  /**
   * An agent's heartbeat (the Worker has applied the privacy rules to `app` and checked the entry's
   * project and task): presence, the running timer and the current app on the live board.
   * `entry`/`app` undefined = the agent did not say (keep what is known), null = none.
   */
  async recordHeartbeat(hb: LiveHeartbeat): Promise<void> {
    this.live.heartbeat(hb);
    // The presence row keeps the latest heartbeat as before (presenceOf).
    this.store.heartbeat(hb.memberId, hb.receivedAt, hb.state);
  }

  async presenceOf(memberId: string): Promise<{ state: string; lastHeartbeatAt: number | null } | null> {
    return this.store.presence(memberId);
  }

  /* Screenshots (worker/workspace/screenshots.ts). Scopes come from the Worker's authz module. */

  /** Whether an upload would be stored, before the Worker writes anything to R2. */
  async screenshotVerdict(probe: ShotProbe): Promise<ShotVerdict> {
    return this.shots.judge(ShotProbe.parse(probe));
  }

  async recordScreenshot(shot: NewShot): Promise<ShotVerdict> {
    const parsed = NewShot.parse(shot);
    const verdict = this.ctx.storage.transactionSync(() => this.shots.record(parsed));
    if (verdict === "new") this.afterWrite(() => this.live.afterScreenshot(parsed.memberId, parsed.createdAt, false));
    return verdict;
  }

  async screenshot(id: string, scope: ShotScope): Promise<ShotRow | null> {
    return this.shots.get(id, ShotScope.parse(scope));
  }

  async listScreenshots(q: ShotListQuery): Promise<ShotRow[]> {
    return this.shots.list(ShotListQuery.parse(q));
  }

  async recordScreenshotView(shotId: string, viewerMemberId: string, at: number): Promise<void> {
    this.shots.recordView(shotId, viewerMemberId, at);
  }

  async screenshotViews(shotId: string): Promise<{ viewerMemberId: string; at: number }[]> {
    return this.shots.views(shotId);
  }

  /** Marks the shot deleted and, for the member's own deletion, removes its slot's time (one transaction). */
  async deleteScreenshot(d: ShotDeletion): Promise<ShotDeletionResult> {
    const parsed = ShotDeletion.parse(d);
    const result = this.ctx.storage.transactionSync(() => this.shots.delete(parsed, this.store));
    if (result.ok) this.afterWrite(() => this.live.afterScreenshot(result.shot.memberId, parsed.at, parsed.removeSlotTime));
    return result;
  }

  async expiredScreenshots(cutoffMs: number, limit: number): Promise<{ id: string; r2Key: string; thumbR2Key: string }[]> {
    return this.shots.expired(cutoffMs, limit);
  }

  /** Deletes these rows for good; answers the taken time of the oldest row left (null: none), for D1's retention marker. */
  async purgeScreenshots(ids: string[]): Promise<number | null> {
    return this.ctx.storage.transactionSync(() => {
      this.shots.purge(ids);
      return this.oldestShot();
    });
  }

  /** The taken time of the oldest screenshot row (deleted ones too, until purged), or null when there is none. */
  async oldestScreenshotAt(): Promise<number | null> {
    return this.oldestShot();
  }

  /** min() over screenshots_taken_idx: one index probe. */
  private oldestShot(): number | null {
    const t = this.ctx.storage.sql.exec("select min(taken_at_ms) as t from screenshots").one().t;
    return typeof t === "number" ? t : null;
  }

  /**
   * Forgets one member entirely (account deletion): every tracking record, receipt, rollup, presence
   * row and screenshot row of theirs, in one transaction, and their live board row. Returns the R2
   * keys of their screenshots so the Worker can delete the ciphertext too.
   */
  async forgetMember(memberId: string): Promise<string[]> {
    const keys = this.ctx.storage.transactionSync(() => {
      const sql = this.ctx.storage.sql;
      const keys = sql.exec<{ r2_key: string; thumb_r2_key: string }>("select r2_key, thumb_r2_key from screenshots where member_id = ?", memberId)
        .toArray().flatMap((r) => [r.r2_key, r.thumb_r2_key]);
      sql.exec("delete from screenshot_views where shot_id in (select id from screenshots where member_id = ?) or viewer_member_id = ?", memberId, memberId);
      for (const table of ["screenshots", "time_entries", "activity_slots", "usage_spans", "idle_spans", "ingest_receipts", "day_rollups", "presence"]) {
        sql.exec(`delete from ${table} where member_id = ?`, memberId);
      }
      return keys;
    });
    this.live.remove(memberId);
    return keys;
  }

  /**
   * Deletes everything the object holds (workspace deletion). The live board goes first: its
   * sockets close with 4403 and it stops writing, so nothing is recreated after the wipe.
   * deleteAll() also removes the alarm (compatibility date 2026-02-24 and later).
   */
  async destroy(): Promise<void> {
    this.live.destroy();
    await this.ctx.storage.deleteAll();
  }

  /* Live board (worker/workspace/live/). Scopes come from the Worker's authz module (worker/authz/liveScope.ts). */

  /** A member removed from the workspace: their records stay, their row leaves every board. */
  async removeFromBoard(memberId: string): Promise<void> {
    this.live.remove(memberId);
  }

  /**
   * Distinct viewer member ids with open live sockets. `refreshVersion`: the caller is a refresh
   * that started resolving then and will rescope these viewers; an upgrade whose scope was resolved
   * before it is refused from now on (409 live_scope_stale, live/versions.ts).
   */
  async liveViewers(refreshVersion?: number): Promise<string[]> {
    return this.live.viewers(refreshVersion);
  }

  /**
   * New scopes for viewers with open sockets (fresh snapshot); null closes their sockets with 4403.
   * `version`: the Worker's clock when it started resolving them; an update older than one already
   * received for that viewer, or than a socket's own scope, is ignored (live/versions.ts).
   */
  async rescopeLive(updates: RescopeUpdates, version: number): Promise<void> {
    this.live.rescope(updates, version);
  }

  /** Sessions were revoked: the sockets they opened close with 4401 (LIVE_CLOSE.signedOut). Answers how many closed. */
  async closeLiveSessions(sessionIds: string[]): Promise<number> {
    return this.live.closeSessions(sessionIds);
  }

  /** The board as a viewer with this scope sees it (the snapshot's projection). */
  async liveBoard(scope: LiveScope): Promise<LiveMember[]> {
    return this.live.project(scope);
  }

  /**
   * Only a viewer's WebSocket upgrade with the headers of live/upgrade.ts (scope, session id,
   * resolve time), set by the Worker's /live route after authentication; clients never reach the
   * object directly.
   */
  async fetch(request: Request): Promise<Response> {
    return this.live.connect(request);
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.live.message(ws, message);
  }

  async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.live.closed(ws, code);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    this.live.closed(ws, 1011);
  }

  /** The board's alarm: offline members and local midnights (live/alarm.ts). */
  async alarm(): Promise<void> {
    this.live.alarm(Date.now());
  }

  /**
   * Board updates after a tracking write has committed. They must never fail the write the caller
   * is waiting for (the agent would retry a batch that is stored): errors are logged instead.
   */
  private afterWrite(update: () => void) {
    try {
      update();
    } catch (err) {
      console.error("live board update failed", err);
    }
  }
}
