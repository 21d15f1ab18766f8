/**
 * SQL of the tracking records inside the Workspace object (raw ctx.storage.sql: the ingest is the hot
 * path and the benchmark compares it with plain multi-row inserts). Column names are the ones of
 * ./schema.ts, which owns the migrations. Every write and every read of content is scoped by
 * member_id, so one member's device can neither read nor change another member's rows even when it
 * guesses their ids; the ingest's id lookups (receipts, entryRows, slotRows, usageRows) tell whose an
 * id is only so that it can answer id_conflict.
 */
import { MAX_ENTRY_MS, MAX_SPAN_MS, REJECTION_CODES, SLOT_MS, type IngestKind, type RejectionCode } from "../contract/agent";
import { dayBounds } from "./localDay";
import type { NormalizedItem } from "./ingest";
import { computeDayRollup, type RollupEntry, type RollupRow, type RollupSlot } from "./rollups";
import { IDLE_DECISIONS, TIME_ENTRY_SOURCES } from "./schema";

export interface StoredReceipt {
  memberId: string;
  kind: IngestKind;
  status: "stored" | "rejected";
  code: RejectionCode | null;
  field: string | null;
  detail: string | null;
  contentHash: string;
  rev: number;
  at: number;
}

/** Whose a stored record is and its revision: what stands in for a receipt that was pruned. */
export interface RecordRow {
  memberId: string;
  rev: number;
}

/**
 * A stored usage span as its own receipt: whose it is and the hash of what was uploaded (null on rows
 * stored before migration 0004 kept it).
 */
export interface UsageRow {
  memberId: string;
  contentHash: string | null;
}

/** What lookup() found under a batch's ids. */
export interface StoredIds {
  receipts: Map<string, StoredReceipt>;
  entries: Map<string, RecordRow & { startMs: number; endMs: number | null }>;
  slots: Map<string, RecordRow & { slotStartMs: number }>;
  usage: Map<string, UsageRow>;
}

export type HeartbeatState = "tracking" | "idle" | "stopped";

export interface DayEntry {
  id: string; projectId: string | null; taskId: string | null; startMs: number; endMs: number | null; note: string;
  billable: boolean; source: (typeof TIME_ENTRY_SOURCES)[number]; rev: number; deviceId: string | null; createdAt: number; updatedAt: number;
}
export interface DaySlot { id: string; slotStartMs: number; trackedS: number; activeS: number; activityPercent: number | null; deviceId: string }
export interface DayUsage { id: string; app: string; title: string | null; url: string | null; startMs: number; endMs: number; category: string | null; deviceId: string | null }
export interface DayIdle { id: string; startMs: number; endMs: number; decision: (typeof IDLE_DECISIONS)[number]; projectId: string | null; taskId: string | null }
export interface MemberDay { entries: DayEntry[]; slots: DaySlot[]; usage: DayUsage[]; idle: DayIdle[] }
export interface DayRollup extends RollupRow { localDay: string }

type Entry = Extract<NormalizedItem, { kind: "time_entry" }>;
type Slot = Extract<NormalizedItem, { kind: "slot" }>;
type Usage = Extract<NormalizedItem, { kind: "usage" }>;
type Idle = Extract<NormalizedItem, { kind: "idle" }>;

const KINDS: readonly string[] = ["time_entry", "slot", "usage", "idle"] satisfies IngestKind[];
const isKind = (v: unknown): v is IngestKind => typeof v === "string" && KINDS.includes(v);
const isCode = (v: unknown): v is RejectionCode => typeof v === "string" && (REJECTION_CODES as readonly string[]).includes(v);
const isSource = (v: unknown): v is DayEntry["source"] => typeof v === "string" && (TIME_ENTRY_SOURCES as readonly string[]).includes(v);
const isDecision = (v: unknown): v is DayIdle["decision"] => typeof v === "string" && (IDLE_DECISIONS as readonly string[]).includes(v);
const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" ? v : null);

/* One statement per purpose, with constant SQL text: id sets and row sets travel as one JSON parameter. */

/** What lookup() finds under a batch's ids (src: r receipt, e time entry, s slot, u usage span). */
const LOOKUP_SQL = `
  select 'r' as src, item_id as id, member_id, kind, status, code, field, detail, content_hash, rev, at, null as start_ms, null as end_ms
    from ingest_receipts where item_id in (select value from json_each(?1))
  union all
  select 'e', id, member_id, null, null, null, null, null, null, rev, null, start_ms, end_ms
    from time_entries where id in (select value from json_each(?1))
  union all
  select 's', id, member_id, null, null, null, null, null, null, rev, null, slot_start_ms, null
    from activity_slots where id in (select value from json_each(?1))
  union all
  select 'u', id, member_id, null, null, null, null, null, content_hash, null, null, null, null
    from usage_spans where id in (select value from json_each(?1))`;

/** Rows: [id, member, app, title, url, start, end, device, hash]. The ingest only queues ids no row answered for; should one exist anyway, it stays. */
const INSERT_USAGE_SQL = `
  insert into usage_spans (id, member_id, app, title, url, start_ms, end_ms, device_id, content_hash)
  select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 from json_each(?)
  where true on conflict(id) do nothing`;

/** Rows: [item id, member, kind, status, code, field, detail, hash, rev, at]. The last receipt for an id wins. */
const UPSERT_RECEIPTS_SQL = `
  insert into ingest_receipts (item_id, member_id, kind, status, code, field, detail, content_hash, rev, at)
  select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9 from json_each(?)
  where true on conflict(item_id) do update set member_id = excluded.member_id, kind = excluded.kind, status = excluded.status,
    code = excluded.code, field = excluded.field, detail = excluded.detail, content_hash = excluded.content_hash, rev = excluded.rev, at = excluded.at`;

/**
 * A member-day's input to its rollup: closed, approved entries that may reach into [dayStart, dayEnd)
 * (a/b = start/end) and the slots that start in it (a/b/c = start/tracked/active). Manual entries
 * waiting for approval (or rejected) are not tracked time yet.
 * Parameters: member, dayEnd + SLOT_MS, dayStart - MAX_ENTRY_MS, dayStart, dayEnd.
 */
const DAY_INPUT_SQL = `
  select 'e' as src, project_id, task_id, start_ms as a, end_ms as b, null as c from time_entries
    where member_id = ?1 and deleted_at is null and approval = 'approved' and end_ms is not null and start_ms < ?2 and start_ms > ?3 and end_ms > ?4
  union all
  select 's', null, null, slot_start_ms, tracked_s, active_s from activity_slots
    where member_id = ?1 and slot_start_ms >= ?4 and slot_start_ms < ?5`;

/** Rows: [project, task, tracked s, active s] of one member-day. */
const INSERT_ROLLUPS_SQL = `
  insert into day_rollups (member_id, local_day, project_id, task_id, tracked_s, active_s)
  select ?1, ?2, value->>0, value->>1, value->>2, value->>3 from json_each(?3)`;

export class TrackingStore {
  private queuedUsage: (string | number | null)[][] = [];
  private queuedReceipts = new Map<string, (string | number | null)[]>();

  constructor(private readonly sql: SqlStorage) {}

  /** Drops rows queued by a batch whose transaction failed (they were rolled back with it). */
  beginBatch() {
    this.queuedUsage = [];
    this.queuedReceipts.clear();
  }

  /** The receipts of these ids (time commands use it; the ingest reads them with lookup()). */
  receipts(ids: string[]): Map<string, StoredReceipt> {
    return this.lookup(ids).receipts;
  }

  /** Buffered: written by flush() as multi-row upserts. The last receipt queued for an id wins. */
  queueReceipt(id: string, r: StoredReceipt) {
    this.queuedReceipts.set(id, [id, r.memberId, r.kind, r.status, r.code, r.field, r.detail, r.contentHash, r.rev, r.at]);
  }

  /**
   * Everything stored under these ids, whoever's it is, in one statement (the ids travel as one JSON
   * parameter): their receipts; time entries with their extents (the ingest recomputes the days an
   * update leaves) and slots with their start, whose rows also stand in for a pruned receipt; usage
   * spans, which are their own receipts. The caller decides which answers for an id (ingest.ts).
   */
  lookup(ids: string[]): StoredIds {
    const out: StoredIds = { receipts: new Map(), entries: new Map(), slots: new Map(), usage: new Map() };
    if (!ids.length) return out;
    const rows = this.sql.exec(LOOKUP_SQL, JSON.stringify(ids));
    for (const r of rows) {
      const id = String(r.id);
      const memberId = String(r.member_id);
      switch (r.src) {
        case "r":
          if (!isKind(r.kind)) break;
          out.receipts.set(id, {
            memberId, kind: r.kind, status: r.status === "stored" ? "stored" : "rejected",
            code: isCode(r.code) ? r.code : null, field: str(r.field), detail: str(r.detail),
            contentHash: String(r.content_hash), rev: Number(r.rev), at: Number(r.at),
          });
          break;
        case "e": out.entries.set(id, { memberId, rev: Number(r.rev), startMs: Number(r.start_ms), endMs: num(r.end_ms) }); break;
        case "s": out.slots.set(id, { memberId, rev: Number(r.rev), slotStartMs: Number(r.start_ms) }); break;
        case "u": out.usage.set(id, { memberId, contentHash: str(r.content_hash) }); break;
      }
    }
    return out;
  }

  /**
   * Deletes up to `limit` receipts last written before `beforeMs`, oldest first (through
   * ingest_receipts_at_idx, so the cost does not grow with the table). `deletedAll`: nothing older
   * than `beforeMs` is left.
   */
  pruneReceipts(beforeMs: number, limit: number): { deletedAll: boolean } {
    const cursor = this.sql.exec(
      "delete from ingest_receipts where rowid in (select rowid from ingest_receipts where at < ? order by at limit ?)",
      beforeMs, limit,
    );
    cursor.toArray();
    // rowsWritten may count index entries too: it can only overstate the deletions, which makes the
    // caller prune again sooner, never later.
    return { deletedAll: cursor.rowsWritten < limit };
  }

  /**
   * The first live entry of the member that shares time with [startMs, endMs). A running entry
   * occupies only its start until its end is known (ADR 0006), so stale revisions of a running entry
   * arriving late never collide with what followed it. A rejected manual entry holds no time.
   */
  findOverlap(memberId: string, id: string, startMs: number, endMs: number | null): { id: string; startMs: number; endMs: number | null } | null {
    const end = endMs ?? startMs + 1;
    const rows = this.sql.exec(
      `select id, start_ms, end_ms from time_entries
        where member_id = ? and deleted_at is null and approval <> 'rejected' and id <> ?
          and start_ms < ? and start_ms > ? and coalesce(end_ms, start_ms + 1) > ?
        order by start_ms limit 1`,
      memberId, id, end, startMs - MAX_ENTRY_MS, startMs,
    ).toArray();
    const r = rows[0];
    return r ? { id: String(r.id), startMs: Number(r.start_ms), endMs: num(r.end_ms) } : null;
  }

  /** A revision replaces the row in place; deleted_at and created_at are never touched by the agent. */
  upsertEntry(memberId: string, deviceId: string, e: Entry, at: number) {
    this.sql.exec(
      `insert into time_entries (id, member_id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, device_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict(id) do update set project_id = excluded.project_id, task_id = excluded.task_id, start_ms = excluded.start_ms,
         end_ms = excluded.end_ms, note = excluded.note, billable = excluded.billable, source = excluded.source, rev = excluded.rev,
         device_id = excluded.device_id, updated_at = excluded.updated_at
       where time_entries.member_id = excluded.member_id`,
      e.id, memberId, e.projectId, e.taskId, e.startMs, e.endMs, e.note, e.billable ? 1 : 0, e.source, e.rev, deviceId, at, at,
    );
  }

  slotConflict(memberId: string, deviceId: string, slotStartMs: number, id: string): string | null {
    const rows = this.sql.exec(
      "select id from activity_slots where member_id = ? and slot_start_ms = ? and device_id = ? and id <> ? limit 1",
      memberId, slotStartMs, deviceId, id,
    ).toArray();
    return rows[0] ? String(rows[0].id) : null;
  }

  upsertSlot(memberId: string, deviceId: string, s: Slot) {
    this.sql.exec(
      `insert into activity_slots (id, member_id, slot_start_ms, tracked_s, active_s, rev, device_id) values (?, ?, ?, ?, ?, ?, ?)
       on conflict(id) do update set slot_start_ms = excluded.slot_start_ms, tracked_s = excluded.tracked_s, active_s = excluded.active_s,
         rev = excluded.rev, device_id = excluded.device_id
       where activity_slots.member_id = excluded.member_id`,
      s.id, memberId, s.slotStartMs, s.trackedS, s.activeS, s.rev, deviceId,
    );
  }

  /**
   * Usage spans are the bulk of a batch (~30 per 10 minutes): buffered and written as multi-row
   * inserts, with the content hash that makes the row its own receipt.
   */
  queueUsage(memberId: string, deviceId: string, u: Usage, contentHash: string) {
    this.queuedUsage.push([u.id, memberId, u.app, u.title, u.url, u.startMs, u.endMs, deviceId, contentHash]);
  }

  insertIdle(memberId: string, deviceId: string, i: Idle) {
    this.sql.exec(
      `insert into idle_spans (id, member_id, start_ms, end_ms, decision, project_id, task_id, device_id) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict(id) do nothing`,
      i.id, memberId, i.startMs, i.endMs, i.decision, i.projectId, i.taskId, deviceId,
    );
  }

  /**
   * Writes what the batch queued: one statement per table whatever the number of rows, the rows
   * travelling as one JSON parameter (no 100-parameter chunks, and the same SQL text every time).
   */
  flush() {
    if (this.queuedUsage.length) this.sql.exec(INSERT_USAGE_SQL, JSON.stringify(this.queuedUsage));
    if (this.queuedReceipts.size) this.sql.exec(UPSERT_RECEIPTS_SQL, JSON.stringify([...this.queuedReceipts.values()]));
    this.queuedUsage = [];
    this.queuedReceipts.clear();
  }

  /**
   * Rebuilds one member-day of day_rollups from the raw rows (see rollups.ts for the definition).
   * Manual entries waiting for approval (or rejected) are not tracked time yet.
   */
  recomputeDay(memberId: string, day: string, timeZone: string) {
    const { startMs, endMs } = dayBounds(day, timeZone);
    const entries: RollupEntry[] = [];
    const slots: RollupSlot[] = [];
    // Entries (src 'e') and slots (src 's') of the day in one statement.
    for (const r of this.sql.exec(DAY_INPUT_SQL, memberId, endMs + SLOT_MS, startMs - MAX_ENTRY_MS, startMs, endMs)) {
      if (r.src === "e") entries.push({ projectId: str(r.project_id), taskId: str(r.task_id), startMs: Number(r.a), endMs: Number(r.b) });
      else slots.push({ slotStartMs: Number(r.a), trackedS: Number(r.b), activeS: Number(r.c) });
    }
    this.sql.exec("delete from day_rollups where member_id = ? and local_day = ?", memberId, day);
    const rows = computeDayRollup(entries, slots, startMs, endMs);
    if (rows.length) this.sql.exec(INSERT_ROLLUPS_SQL, memberId, day, JSON.stringify(rows.map((r) => [r.projectId, r.taskId, r.trackedS, r.activeS])));
  }

  /** Everything of one member that intersects [fromMs, toMs), oldest first. */
  memberDay(memberId: string, fromMs: number, toMs: number): MemberDay {
    const entries = this.sql.exec(
      `select id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, device_id, created_at, updated_at from time_entries
        where member_id = ? and deleted_at is null and start_ms < ? and start_ms > ? and (end_ms is null or end_ms > ?)
        order by start_ms, id`,
      memberId, toMs, fromMs - MAX_ENTRY_MS, fromMs,
    ).toArray().map((r): DayEntry => ({
      id: String(r.id), projectId: str(r.project_id), taskId: str(r.task_id), startMs: Number(r.start_ms), endMs: num(r.end_ms),
      note: String(r.note), billable: r.billable === 1, source: isSource(r.source) ? r.source : "api", rev: Number(r.rev),
      deviceId: str(r.device_id), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
    }));
    const slots = this.sql.exec(
      `select id, slot_start_ms, tracked_s, active_s, device_id from activity_slots
        where member_id = ? and slot_start_ms < ? and slot_start_ms > ? order by slot_start_ms, device_id`,
      memberId, toMs, fromMs - SLOT_MS,
    ).toArray().map((r): DaySlot => {
      const trackedS = Number(r.tracked_s);
      const activeS = Number(r.active_s);
      return {
        id: String(r.id), slotStartMs: Number(r.slot_start_ms), trackedS, activeS,
        activityPercent: trackedS > 0 ? Math.round((activeS * 100) / trackedS) : null, deviceId: String(r.device_id),
      };
    });
    const usage = this.sql.exec(
      `select id, app, title, url, start_ms, end_ms, category, device_id from usage_spans
        where member_id = ? and start_ms < ? and start_ms > ? and end_ms > ? order by start_ms, id`,
      memberId, toMs, fromMs - MAX_SPAN_MS, fromMs,
    ).toArray().map((r): DayUsage => ({
      id: String(r.id), app: String(r.app), title: str(r.title), url: str(r.url), startMs: Number(r.start_ms), endMs: Number(r.end_ms),
      category: str(r.category), deviceId: str(r.device_id),
    }));
    const idle = this.sql.exec(
      `select id, start_ms, end_ms, decision, project_id, task_id from idle_spans
        where member_id = ? and start_ms < ? and start_ms > ? and end_ms > ? order by start_ms, id`,
      memberId, toMs, fromMs - MAX_SPAN_MS, fromMs,
    ).toArray().map((r): DayIdle => ({
      id: String(r.id), startMs: Number(r.start_ms), endMs: Number(r.end_ms), decision: isDecision(r.decision) ? r.decision : "keep",
      projectId: str(r.project_id), taskId: str(r.task_id),
    }));
    return { entries, slots, usage, idle };
  }

  /** Rollup rows of one member for local days fromDay..toDay (inclusive, 'YYYY-MM-DD'). */
  rollups(memberId: string, fromDay: string, toDay: string): DayRollup[] {
    return this.sql.exec(
      `select local_day, project_id, task_id, tracked_s, active_s from day_rollups
        where member_id = ? and local_day >= ? and local_day <= ? order by local_day, project_id, task_id`,
      memberId, fromDay, toDay,
    ).toArray().map((r) => ({
      localDay: String(r.local_day), projectId: str(r.project_id), taskId: str(r.task_id), trackedS: Number(r.tracked_s), activeS: Number(r.active_s),
    }));
  }

  /** Keeps the latest heartbeat: one that arrives late (retries) never moves presence back in time. */
  heartbeat(memberId: string, at: number, state: HeartbeatState) {
    this.sql.exec(
      `insert into presence (member_id, state, last_heartbeat_at, updated_at) values (?, ?, ?, ?)
       on conflict(member_id) do update set state = excluded.state, last_heartbeat_at = excluded.last_heartbeat_at, updated_at = excluded.updated_at
       where presence.last_heartbeat_at is null or excluded.last_heartbeat_at >= presence.last_heartbeat_at`,
      memberId, state, at, at,
    );
  }

  presence(memberId: string): { state: string; lastHeartbeatAt: number | null } | null {
    const r = this.sql.exec("select state, last_heartbeat_at from presence where member_id = ?", memberId).toArray()[0];
    return r ? { state: String(r.state), lastHeartbeatAt: num(r.last_heartbeat_at) } : null;
  }
}
