import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import type { ItemResult } from "../contract/agent";
import type { Env } from "../env";
import { applyBatch, IngestInput, prepareItems, pruneReceipts } from "./ingest";
import migrations from "./migrations/migrations.js";
import * as schema from "./schema";
import { TrackingStore, type DayRollup, type HeartbeatState, type MemberDay } from "./trackingStore";
import { applyTimeCommand, readEntry, runningEntry, TimeCommand, type StoredEntry, type TimeResult } from "./timeEntries";
import { readTimeView, TimeViewQuery, type TimeView } from "./timeView";
import {
  NewShot, ScreenshotStore, ShotDeletion, ShotListQuery, ShotProbe, ShotScope,
  type ShotDeletionResult, type ShotRow, type ShotVerdict,
} from "./screenshots";

/**
 * One object per workspace (idFromName(workspaceId)). It is the single writer of that workspace's
 * tracking records and will host its live board (DESIGN.md). Access decisions are made by the
 * Worker's authz module and passed in; the object never decides who may see what.
 */
export class WorkspaceObject extends DurableObject<Env> {
  readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private readonly store: TrackingStore;
  private readonly shots: ScreenshotStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    this.store = new TrackingStore(ctx.storage.sql);
    this.shots = new ScreenshotStore(ctx.storage.sql);
    // Migrations run before any request reaches the object.
    ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
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
    return this.ctx.storage.transactionSync(() => {
      const results = applyBatch(this.store, parsed, prepared);
      pruneReceipts(this.store, parsed);
      return results;
    });
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
    return this.ctx.storage.transactionSync(() => applyTimeCommand(this.ctx.storage.sql, this.store, parsed));
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

  /** Presence for the live board: `at` is the server time the heartbeat arrived. */
  async recordHeartbeat(memberId: string, at: number, state: HeartbeatState): Promise<void> {
    this.store.heartbeat(memberId, at, state);
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
    return this.ctx.storage.transactionSync(() => this.shots.record(parsed));
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
    return this.ctx.storage.transactionSync(() => this.shots.delete(parsed, this.store));
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

  /** Deletes everything the object holds (workspace deletion). */
  /**
   * Forgets one member entirely (account deletion): every tracking record, receipt, rollup, presence
   * row and screenshot row of theirs, in one transaction. Returns the R2 keys of their screenshots so
   * the Worker can delete the ciphertext too.
   */
  async forgetMember(memberId: string): Promise<string[]> {
    return this.ctx.storage.transactionSync(() => {
      const sql = this.ctx.storage.sql;
      const keys = sql.exec<{ r2_key: string; thumb_r2_key: string }>("select r2_key, thumb_r2_key from screenshots where member_id = ?", memberId)
        .toArray().flatMap((r) => [r.r2_key, r.thumb_r2_key]);
      sql.exec("delete from screenshot_views where shot_id in (select id from screenshots where member_id = ?) or viewer_member_id = ?", memberId, memberId);
      for (const table of ["screenshots", "time_entries", "activity_slots", "usage_spans", "idle_spans", "ingest_receipts", "day_rollups", "presence"]) {
        sql.exec(`delete from ${table} where member_id = ?`, memberId);
      }
      return keys;
    });
  }

  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  async fetch(_request: Request): Promise<Response> {
    // The live board (WebSocket, hibernation API) arrives with the live-board issue.
    return new Response(JSON.stringify({ type: "about:blank", title: "Not implemented", status: 501, code: "live_board_not_implemented" }), {
      status: 501,
      headers: { "content-type": "application/problem+json" },
    });
  }
}
