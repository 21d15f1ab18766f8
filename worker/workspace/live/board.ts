/**
 * The live board of one workspace (issue 5), as the Workspace object runs it: the rows
 * (boardStore.ts, cached in memory, persisted on every change), the inputs that change them
 * (transitions.ts), the alarm (alarm.ts) and the viewers' sockets (hub.ts).
 *
 * Every change goes through commit(): save the row, advance seq, fan the change out, move the alarm
 * earlier if needed. Inputs come from the object's RPC methods; hooks after tracking writes
 * (ingest, time commands, screenshots) run after the write committed and never fail it (see
 * WorkspaceObject.afterWrite).
 *
 * Workspace deletion shuts the board down (destroy()): sockets close, memory is emptied, and from
 * then on this instance ignores inputs, so nothing is written back after the storage was wiped.
 */
import { z } from "zod";
import type { ItemResult } from "../../contract/agent";
import { LIVE_CLOSE, LiveScope, type LiveMember } from "../../contract/live";
import { randomToken } from "../../crypto/encoding";
import { AppError, problemResponse } from "../../http/problem";
import type { IngestInput, PreparedItem } from "../ingest";
import type { TimeCommand, TimeResult } from "../timeEntries";
import { dueAt, nextDue, onAlarm } from "./alarm";
import { BoardStore, type BoardRow } from "./boardStore";
import type { FrameClock } from "./frames";
import { LiveHeartbeat } from "./heartbeat";
import { LiveHub, type BoardChange, type BoardView } from "./hub";
import { compileScope, projectMember } from "./projection";
import { todayTotals } from "./today";
import { LiveSessionId, readUpgrade, ScopeVersion } from "./upgrade";
import {
  applyBatch, applyHeartbeat, applyTimer, withFreshToday, withScreenshot, type BatchFacts, type TimerFacts, type TodayAt,
} from "./transitions";

export const RescopeUpdates = z.array(
  z.object({ viewerMemberId: z.string().min(1).max(64), scope: LiveScope.nullable() })
    .refine((u) => u.scope === null || u.scope.viewerMemberId === u.viewerMemberId, "The scope belongs to another viewer."),
).max(10_000);
export type RescopeUpdates = z.infer<typeof RescopeUpdates>;

export const SessionIds = z.array(LiveSessionId).max(1000);

export class LiveBoard implements BoardView {
  private readonly store: BoardStore;
  private readonly hub: LiveHub;
  private readonly todayAt: TodayAt;
  private cache: Map<string, BoardRow> | null = null;
  /** seq grows with every change during this object's lifetime; epoch names the lifetime. */
  private seq = 0;
  private readonly epoch = randomToken(9);
  /** The alarm as scheduled (read from storage when the object starts: see init()). */
  private alarmAt: number | null = null;
  /** Set by destroy(): the workspace is gone and its storage wiped. */
  private destroyed = false;

  constructor(private readonly ctx: DurableObjectState) {
    const sql = ctx.storage.sql;
    this.store = new BoardStore(sql);
    this.hub = new LiveHub(ctx, sql, this);
    this.todayAt = (row, at) => todayTotals(sql, row.memberId, row.timeZone, at, row.entryId);
  }

  /** Runs inside the object's blockConcurrencyWhile, after the migrations. */
  async init() {
    this.alarmAt = await this.ctx.storage.getAlarm();
  }

  /* ------------------------------------------------------------------------------------- view */

  rows(): BoardRow[] {
    return [...this.rowMap().values()].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  }

  clock(): FrameClock {
    return { epoch: this.epoch, seq: this.seq, serverTime: Date.now() };
  }

  /** The board as a viewer with this scope sees it (the same projection as the snapshot). */
  project(scope: LiveScope): LiveMember[] {
    const compiled = compileScope(LiveScope.parse(scope));
    return this.rows().flatMap((r) => projectMember(r, compiled) ?? []);
  }

  row(memberId: string): BoardRow | null {
    return this.rowMap().get(memberId) ?? null;
  }

  /* ----------------------------------------------------------------------------------- inputs */

  heartbeat(input: LiveHeartbeat) {
    if (this.destroyed) return;
    const hb = LiveHeartbeat.parse(input);
    const before = this.row(hb.memberId);
    this.commit([{ memberId: hb.memberId, before, after: applyHeartbeat(before, hb, this.todayAt) }]);
  }

  /** From the items the batch stored (not duplicates, not rejections). */
  afterIngest(input: IngestInput, prepared: PreparedItem[], results: ItemResult[]) {
    if (this.destroyed) return;
    const facts: BatchFacts = { memberId: input.memberId, timeZone: input.timeZone, receivedAt: input.receivedAt, slots: [], usage: [], entries: [] };
    for (const p of prepared) {
      if (!("item" in p) || results[p.index]?.status !== "stored") continue;
      const item = p.item;
      if (item.kind === "slot") facts.slots.push({ slotStartMs: item.slotStartMs, trackedS: item.trackedS, activeS: item.activeS });
      else if (item.kind === "usage") facts.usage.push({ app: item.app, title: item.title, url: item.url, endMs: item.endMs });
      else if (item.kind === "time_entry") facts.entries.push({ id: item.id, projectId: item.projectId, taskId: item.taskId });
    }
    if (!facts.slots.length && !facts.usage.length && !facts.entries.length) return;
    const before = this.row(input.memberId);
    this.commit([{ memberId: input.memberId, before, after: applyBatch(before, facts, this.todayAt) }]);
  }

  afterTimeCommand(cmd: TimeCommand, result: TimeResult) {
    if (this.destroyed) return;
    if (!result.ok) return;
    const { at, timeZone } = cmd;
    const e = result.entry;
    let facts: TimerFacts;
    switch (cmd.kind) {
      case "start":
        facts = { kind: "started", at, timeZone, entry: { id: e.id, projectId: e.projectId, taskId: e.taskId, startMs: e.startMs, source: e.source } };
        break;
      case "stop":
        facts = { kind: "stopped", at, timeZone, entry: { id: e.id, projectId: e.projectId, taskId: e.taskId } };
        break;
      case "update":
      case "split":
      case "delete":
        facts = {
          kind: "edited", at, timeZone,
          entry: { id: e.id, projectId: e.projectId, taskId: e.taskId, startMs: e.startMs, endMs: e.endMs, deleted: cmd.kind === "delete" },
        };
        break;
      case "create":
      case "decide":
        facts = { kind: "edited", at, timeZone, entry: null };
        break;
    }
    const before = this.row(cmd.memberId);
    this.commit([{ memberId: cmd.memberId, before, after: applyTimer(before, cmd.memberId, facts, this.todayAt) }]);
  }

  /**
   * A screenshot was stored or deleted: the latest live one is read again (a deleted latest falls
   * back to the previous one). Only members already on the board are updated: a screenshot carries
   * no time zone to start a row with, and an agent says hello with a heartbeat first.
   */
  afterScreenshot(memberId: string, at: number, rollupsChanged: boolean) {
    if (this.destroyed) return;
    const before = this.row(memberId);
    if (!before) return;
    let after = withScreenshot(before, this.store.latestScreenshot(memberId), at);
    if (rollupsChanged) after = withFreshToday(after, at, this.todayAt);
    this.commit([{ memberId, before, after }]);
  }

  /** The member's row leaves every board, and their own sockets close (access revoked). */
  remove(memberId: string) {
    if (this.destroyed) return;
    const before = this.row(memberId);
    if (before) this.commit([{ memberId, before, after: null }]);
    this.hub.revoke(memberId);
  }

  alarm(now: number) {
    if (this.destroyed) return;
    const changes: BoardChange[] = [];
    for (const before of this.rows()) {
      const after = onAlarm(before, now, this.todayAt);
      if (after !== before) changes.push({ memberId: before.memberId, before, after });
    }
    this.commit(changes);
    // Reschedule from scratch: the alarm that is running is removed when this handler returns.
    this.alarmAt = null;
    this.scheduleAlarm(nextDue(this.rowMap().values()));
  }

  /* ---------------------------------------------------------------------------------- viewers */

  /** A viewer's WebSocket upgrade, forwarded by the Worker with the scope it resolved. */
  connect(request: Request): Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return problemResponse(new AppError(426, "websocket_required", "The live board is a WebSocket: send an upgrade request.", undefined, { upgrade: "websocket" }));
    }
    if (this.destroyed) return problemResponse(new AppError(404, "not_found", "No such workspace."));
    const upgrade = readUpgrade(request.headers);
    if (upgrade instanceof AppError) return problemResponse(upgrade);
    return this.hub.connect(upgrade);
  }

  message(ws: WebSocket, message: string | ArrayBuffer) {
    this.hub.message(ws, message);
  }

  closed(ws: WebSocket, code: number) {
    this.hub.closed(ws, code);
  }

  viewers(refreshVersion?: number): string[] {
    return this.hub.viewers(refreshVersion === undefined ? undefined : ScopeVersion.parse(refreshVersion));
  }

  /** Scopes resolved by a refresh that started at `version` (versions.ts). */
  rescope(input: RescopeUpdates, version: number) {
    const v = ScopeVersion.parse(version);
    for (const u of RescopeUpdates.parse(input)) this.hub.rescope(u.viewerMemberId, u.scope, v);
  }

  /** Sockets opened by these (revoked) sessions close with LIVE_CLOSE.signedOut. */
  closeSessions(sessionIds: string[]): number {
    return this.hub.closeSessions(SessionIds.parse(sessionIds));
  }

  /**
   * The workspace is being deleted, before its storage is wiped: every socket closes with
   * accessRevoked (the page stops reconnecting), the rows and the alarm are forgotten, and later
   * inputs on this instance are ignored instead of writing the board back.
   */
  destroy() {
    this.destroyed = true;
    this.hub.shutDown(LIVE_CLOSE.accessRevoked, "The workspace was deleted.");
    this.cache = new Map();
    this.alarmAt = null;
  }

  /* --------------------------------------------------------------------------------- internals */

  private rowMap(): Map<string, BoardRow> {
    if (!this.cache) this.cache = new Map(this.store.all().map((r) => [r.memberId, r]));
    return this.cache;
  }

  private commit(changes: BoardChange[]) {
    if (this.destroyed) return;
    const real = changes.filter((c) => c.before !== c.after);
    if (!real.length) return;
    const rows = this.rowMap();
    let earliest: number | null = null;
    for (const c of real) {
      if (c.after) {
        this.store.save(c.after);
        rows.set(c.memberId, c.after);
        const due = dueAt(c.after);
        if (earliest === null || due < earliest) earliest = due;
      } else {
        this.store.delete(c.memberId);
        rows.delete(c.memberId);
      }
    }
    this.seq++;
    this.hub.publish(real);
    this.scheduleAlarm(earliest);
  }

  /** Moves the alarm earlier when `at` comes before it (a later due time is picked up when it fires). */
  private scheduleAlarm(at: number | null) {
    if (at === null || (this.alarmAt !== null && this.alarmAt <= at)) return;
    this.alarmAt = at;
    // Not awaited: storage writes are ordered and the output gate holds replies until it is durable.
    this.ctx.storage.setAlarm(at).catch((err: unknown) => console.error("live board: setAlarm failed", err));
  }
}
