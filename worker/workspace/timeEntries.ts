/**
 * Time entries written by people rather than by the agent's batches: the web/API timer, manual
 * entries, edits, splits, deletions and approval decisions. The Workspace object runs each command in
 * one synchronous transaction (it is the single writer), with the same overlap rule as the ingest
 * (TrackingStore.findOverlap) and the same rollup recomputation.
 *
 * The object decides nothing about access: the Worker has already checked who may do what and passes
 * the member whose entry it is; every statement is scoped by that member. Edits carry the revision the
 * caller's decision was based on (`expectRev`), so a decision about an entry that changed meanwhile is
 * refused instead of applied to something else.
 *
 * Revisions (ADR 0006): every write raises `rev` above both the row's and the ingest receipt's, and
 * records it in the receipt with a content hash no agent can produce ("server:<rev>"). A late replay
 * of an older agent revision therefore stays stale, and an agent re-using the same rev gets id_conflict.
 */
import { z } from "zod";
import { MAX_ENTRY_MS } from "../contract/agent";
import { isTimeZone } from "../contract/common";
import { entryDays } from "./ingest";
import { TIME_ENTRY_SOURCES } from "./schema";
import type { TrackingStore } from "./trackingStore";

export const APPROVALS = ["approved", "pending", "rejected"] as const;
export type Approval = (typeof APPROVALS)[number];

/** A live (not deleted) time entry as stored, in integer milliseconds. */
export interface StoredEntry {
  id: string;
  memberId: string;
  projectId: string | null;
  taskId: string | null;
  startMs: number;
  /** null while running. */
  endMs: number | null;
  note: string;
  billable: boolean;
  source: (typeof TIME_ENTRY_SOURCES)[number];
  rev: number;
  approval: Approval;
  reason: string | null;
  deviceId: string | null;
  createdAt: number;
  updatedAt: number;
}

const Id = z.string().min(1).max(64);
const Ms = z.number().int().positive();
const Reason = z.string().min(1).max(500);
const Fields = {
  projectId: Id.nullable(),
  taskId: Id.nullable(),
  note: z.string().max(2000),
  billable: z.boolean(),
};
const Base = {
  memberId: Id,
  /** The member's zone: rollups are per local day. */
  timeZone: z.string().refine(isTimeZone, "Unknown IANA time zone."),
  /** Server time of the request. */
  at: Ms,
};
const Edit = { ...Base, id: Id, expectRev: z.number().int().min(0) };
const PeopleSource = z.enum(["web", "api"]);

/** Closed entries end after they start and last at most MAX_ENTRY_MS (the ingest's contract, enforced here too). */
const validSpan = (v: { startMs: number; endMs: number | null }) =>
  v.endMs === null || (v.endMs > v.startMs && v.endMs - v.startMs <= MAX_ENTRY_MS);

export const TimeCommand = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("start"), ...Base, id: Id, source: PeopleSource, ...Fields }),
  z.object({ kind: z.literal("stop"), ...Base }),
  z.object({
    kind: z.literal("create"), ...Base, id: Id, source: PeopleSource, startMs: Ms, endMs: Ms,
    approval: z.enum(["approved", "pending"]), reason: Reason, ...Fields,
  }).refine(validSpan, "Invalid span."),
  z.object({
    kind: z.literal("update"), ...Edit, startMs: Ms, endMs: Ms.nullable(), approval: z.enum(APPROVALS), reason: Reason.nullable(), ...Fields,
  }).refine(validSpan, "Invalid span."),
  z.object({ kind: z.literal("split"), ...Edit, atMs: Ms, newId: Id }),
  z.object({ kind: z.literal("delete"), ...Edit }),
  z.object({ kind: z.literal("decide"), ...Edit, approval: z.enum(["approved", "rejected"]) }),
]);
export type TimeCommand = z.infer<typeof TimeCommand>;

export type TimeFailure =
  /** start: another entry of the member is running. */
  | { ok: false; code: "timer_running"; entry: StoredEntry }
  /** stop: nothing runs. */
  | { ok: false; code: "no_timer_running" }
  | { ok: false; code: "time_entry_overlaps"; other: { id: string; startMs: number; endMs: number | null } }
  /** The entry is gone, belongs to someone else, or its rev is no longer `expectRev`. */
  | { ok: false; code: "time_entry_changed" }
  /** split of a running entry. */
  | { ok: false; code: "time_entry_running" }
  /** split point not strictly inside the entry. */
  | { ok: false; code: "split_outside_entry" }
  /** decide on an entry that is not pending. */
  | { ok: false; code: "not_pending" };

export type TimeResult =
  | { ok: true; entry: StoredEntry; before: StoredEntry | null; second?: StoredEntry }
  | TimeFailure;

/* ----------------------------------------------------------------------------------------- reads */

export const ENTRY_COLUMNS = "id, member_id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, approval, reason, device_id, created_at, updated_at";

const str = (v: unknown) => (typeof v === "string" ? v : null);
const isSource = (v: unknown): v is StoredEntry["source"] => typeof v === "string" && (TIME_ENTRY_SOURCES as readonly string[]).includes(v);
const isApproval = (v: unknown): v is Approval => typeof v === "string" && (APPROVALS as readonly string[]).includes(v);

export function entryFromRow(r: Record<string, SqlStorageValue>): StoredEntry {
  return {
    id: String(r.id), memberId: String(r.member_id), projectId: str(r.project_id), taskId: str(r.task_id),
    startMs: Number(r.start_ms), endMs: r.end_ms === null ? null : Number(r.end_ms), note: String(r.note ?? ""),
    billable: r.billable === 1, source: isSource(r.source) ? r.source : "api", rev: Number(r.rev),
    approval: isApproval(r.approval) ? r.approval : "approved", reason: str(r.reason), deviceId: str(r.device_id),
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/** A live entry by id, whoever it belongs to (the Worker decides whether the caller may know). */
export function readEntry(sql: SqlStorage, id: string): StoredEntry | null {
  const r = sql.exec(`select ${ENTRY_COLUMNS} from time_entries where id = ? and deleted_at is null`, id).toArray()[0];
  return r ? entryFromRow(r) : null;
}

/** The member's running entry (from any device or door), if any. */
export function runningEntry(sql: SqlStorage, memberId: string): StoredEntry | null {
  const r = sql.exec(
    `select ${ENTRY_COLUMNS} from time_entries where member_id = ? and end_ms is null and deleted_at is null order by start_ms desc limit 1`,
    memberId,
  ).toArray()[0];
  return r ? entryFromRow(r) : null;
}

/* ---------------------------------------------------------------------------------------- writes */

function insertEntry(sql: SqlStorage, e: StoredEntry) {
  sql.exec(
    `insert into time_entries (id, member_id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, device_id, created_at, updated_at, approval, reason)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.id, e.memberId, e.projectId, e.taskId, e.startMs, e.endMs, e.note, e.billable ? 1 : 0, e.source, e.rev, e.deviceId,
    e.createdAt, e.updatedAt, e.approval, e.reason,
  );
}

function writeEntry(sql: SqlStorage, e: StoredEntry) {
  sql.exec(
    `update time_entries set project_id = ?, task_id = ?, start_ms = ?, end_ms = ?, note = ?, billable = ?, rev = ?, updated_at = ?,
       approval = ?, reason = ? where id = ? and member_id = ?`,
    e.projectId, e.taskId, e.startMs, e.endMs, e.note, e.billable ? 1 : 0, e.rev, e.updatedAt, e.approval, e.reason, e.id, e.memberId,
  );
}

/** The next revision of an entry: above the row's and above whatever the ingest has seen for its id. */
function nextRev(store: TrackingStore, e: StoredEntry): number {
  const receipt = store.receipts([e.id]).get(e.id);
  return Math.max(e.rev, receipt?.rev ?? -1) + 1;
}

function receipt(store: TrackingStore, memberId: string, id: string, rev: number, at: number) {
  store.queueReceipt(id, {
    memberId, kind: "time_entry", status: "stored", code: null, field: null, detail: null, contentHash: `server:${rev}`, rev, at,
  });
}

/**
 * The ingest's overlap rule, with one addition for people's writes: a running entry will cover
 * everything from its start to now, so nothing may be written after its start (the ingest lets it
 * occupy only its start, which is what makes replays converge; a person's edit is not a replay).
 * An entry being written that is itself running is checked up to now.
 */
function overlap(store: TrackingStore, sql: SqlStorage, memberId: string, id: string, startMs: number, endMs: number | null, now: number) {
  const hit = store.findOverlap(memberId, id, startMs, endMs ?? Math.max(now, startMs + 1));
  if (hit) return hit;
  const running = runningEntry(sql, memberId);
  if (running && running.id !== id && running.startMs < (endMs ?? Number.POSITIVE_INFINITY)) {
    return { id: running.id, startMs: running.startMs, endMs: null };
  }
  return null;
}

/** Applies one command; runs inside ctx.storage.transactionSync. */
export function applyTimeCommand(sql: SqlStorage, store: TrackingStore, cmd: TimeCommand): TimeResult {
  store.beginBatch();
  const { memberId, timeZone, at } = cmd;
  const days = new Set<string>();
  const touch = (e: { startMs: number; endMs: number | null }) => {
    for (const d of entryDays(e.startMs, e.endMs, timeZone)) days.add(d);
  };
  const finish = (result: TimeResult): TimeResult => {
    store.flush();
    for (const d of [...days].sort()) store.recomputeDay(memberId, d, timeZone);
    return result;
  };
  const overlaps = (id: string, startMs: number, endMs: number | null): TimeFailure | null => {
    const other = overlap(store, sql, memberId, id, startMs, endMs, at);
    return other ? { ok: false, code: "time_entry_overlaps", other } : null;
  };
  /** The entry the command is about, if it is still the member's and still at the expected revision. */
  const current = (id: string, expectRev: number): StoredEntry | null => {
    const e = readEntry(sql, id);
    return e && e.memberId === memberId && e.rev === expectRev ? e : null;
  };
  const save = (before: StoredEntry, after: StoredEntry) => {
    const next = { ...after, rev: nextRev(store, before), updatedAt: at };
    writeEntry(sql, next);
    receipt(store, memberId, next.id, next.rev, at);
    touch(before);
    touch(next);
    return next;
  };
  const create = (e: StoredEntry) => {
    insertEntry(sql, e);
    receipt(store, memberId, e.id, e.rev, at);
    touch(e);
    return e;
  };

  switch (cmd.kind) {
    case "start": {
      const running = runningEntry(sql, memberId);
      if (running) return { ok: false, code: "timer_running", entry: running };
      const bad = overlaps(cmd.id, at, null);
      if (bad) return bad;
      const entry = create({
        id: cmd.id, memberId, projectId: cmd.projectId, taskId: cmd.taskId, startMs: at, endMs: null, note: cmd.note, billable: cmd.billable,
        source: cmd.source, rev: 0, approval: "approved", reason: null, deviceId: null, createdAt: at, updatedAt: at,
      });
      return finish({ ok: true, entry, before: null });
    }
    case "stop": {
      const running = runningEntry(sql, memberId);
      if (!running) return { ok: false, code: "no_timer_running" };
      // A forgotten timer is cut at the longest entry the system accepts (MAX_ENTRY_MS).
      const endMs = Math.min(Math.max(at, running.startMs + 1), running.startMs + MAX_ENTRY_MS);
      const bad = overlaps(running.id, running.startMs, endMs);
      if (bad) return bad;
      return finish({ ok: true, entry: save(running, { ...running, endMs }), before: running });
    }
    case "create": {
      const bad = overlaps(cmd.id, cmd.startMs, cmd.endMs);
      if (bad) return bad;
      const entry = create({
        id: cmd.id, memberId, projectId: cmd.projectId, taskId: cmd.taskId, startMs: cmd.startMs, endMs: cmd.endMs, note: cmd.note,
        billable: cmd.billable, source: cmd.source, rev: 0, approval: cmd.approval, reason: cmd.reason, deviceId: null, createdAt: at, updatedAt: at,
      });
      return finish({ ok: true, entry, before: null });
    }
    case "update": {
      const before = current(cmd.id, cmd.expectRev);
      if (!before) return { ok: false, code: "time_entry_changed" };
      // A stopped entry never starts running again (the service never asks; this keeps it so).
      if (before.endMs !== null && cmd.endMs === null) return { ok: false, code: "time_entry_changed" };
      // A rejected entry holds no time, so it is not checked against others.
      const bad = cmd.approval === "rejected" ? null : overlaps(cmd.id, cmd.startMs, cmd.endMs);
      if (bad) return bad;
      const after: StoredEntry = {
        ...before, projectId: cmd.projectId, taskId: cmd.taskId, startMs: cmd.startMs, endMs: cmd.endMs, note: cmd.note,
        billable: cmd.billable, approval: cmd.approval, reason: cmd.reason,
      };
      return finish({ ok: true, entry: save(before, after), before });
    }
    case "split": {
      const before = current(cmd.id, cmd.expectRev);
      if (!before) return { ok: false, code: "time_entry_changed" };
      if (before.endMs === null) return { ok: false, code: "time_entry_running" };
      if (cmd.atMs <= before.startMs || cmd.atMs >= before.endMs) return { ok: false, code: "split_outside_entry" };
      const first = save(before, { ...before, endMs: cmd.atMs });
      const second = create({ ...before, id: cmd.newId, startMs: cmd.atMs, endMs: before.endMs, rev: 0, createdAt: at, updatedAt: at });
      return finish({ ok: true, entry: first, before, second });
    }
    case "delete": {
      const before = current(cmd.id, cmd.expectRev);
      if (!before) return { ok: false, code: "time_entry_changed" };
      const rev = nextRev(store, before);
      sql.exec("update time_entries set deleted_at = ?, rev = ?, updated_at = ? where id = ? and member_id = ?", at, rev, at, before.id, memberId);
      receipt(store, memberId, before.id, rev, at);
      touch(before);
      return finish({ ok: true, entry: { ...before, rev, updatedAt: at }, before });
    }
    case "decide": {
      const before = current(cmd.id, cmd.expectRev);
      if (!before) return { ok: false, code: "time_entry_changed" };
      if (before.approval !== "pending") return { ok: false, code: "not_pending" };
      return finish({ ok: true, entry: save(before, { ...before, approval: cmd.approval }), before });
    }
  }
}
