/**
 * Screenshot metadata inside the Workspace object: the rows that point at the HPKE envelopes in R2,
 * who viewed them, deletion (with the removal of the slot's time, docs/decisions/0007-screenshot-
 * deletion.md) and retention. Raw ctx.storage.sql like the rest of the tracking store; column names
 * are those of ./schema.ts.
 *
 * Access: every read takes a ShotScope resolved by the Worker's authz module (worker/authz/
 * trackingScope.ts) and applies it in SQL. The object never decides who may see what.
 */
import { z } from "zod";
import { MAX_ENTRY_MS, SLOT_MS } from "../contract/agent";
import { SCREENSHOT_CONTENT_TYPES } from "../contract/screenshots";
import { newId } from "../db/ids";
import { daysTouched } from "./localDay";
import type { TrackingStore } from "./trackingStore";

/* ----------------------------------------------------------------------------------------- scope */

/**
 * Which screenshots a viewer may see: all of the workspace, or those of the listed members plus those
 * whose capture time is covered by a live time entry on one of the listed projects (project managers
 * see the screenshots of time tracked on their projects, whoever tracked it).
 */
export const ShotScope = z.union([
  z.object({ all: z.literal(true) }),
  z.object({ all: z.literal(false), memberIds: z.array(z.string().max(64)), projectIds: z.array(z.string().max(64)) }),
]);
export type ShotScope = z.infer<typeof ShotScope>;

/** The scope as SQL over `s` (screenshots). Id sets travel as one JSON parameter each: no 100-parameter limit. */
function scopeSql(scope: ShotScope): { where: string; params: SqlStorageValue[] } {
  if (scope.all) return { where: "1", params: [] };
  return {
    where: `(s.member_id in (select value from json_each(?))
      or exists (select 1 from time_entries e
        where e.member_id = s.member_id and e.deleted_at is null and e.approval <> 'rejected'
          and e.project_id in (select value from json_each(?))
          and e.start_ms <= s.taken_at_ms and e.start_ms > s.taken_at_ms - ${MAX_ENTRY_MS}
          and (e.end_ms is null or e.end_ms > s.taken_at_ms)))`,
    params: [JSON.stringify(scope.memberIds), JSON.stringify(scope.projectIds)],
  };
}

/* ------------------------------------------------------------------------------------------ rows */

export interface ShotRow {
  id: string;
  memberId: string;
  deviceId: string | null;
  takenAtMs: number;
  slotStartMs: number;
  display: number;
  activityPct: number | null;
  app: string | null;
  contentType: (typeof SCREENSHOT_CONTENT_TYPES)[number];
  r2Key: string;
  thumbR2Key: string;
  sizeBytes: number;
  thumbBytes: number;
  createdAt: number;
}

const COLUMNS = "s.id, s.member_id, s.device_id, s.taken_at_ms, s.slot_start_ms, s.display, s.activity_pct, s.app, s.content_type, s.r2_key, s.thumb_r2_key, s.size_bytes, s.thumb_bytes, s.created_at";

const str = (v: SqlStorageValue) => (typeof v === "string" ? v : null);
const num = (v: SqlStorageValue) => (typeof v === "number" ? v : null);
const contentTypeOf = (v: SqlStorageValue): ShotRow["contentType"] =>
  SCREENSHOT_CONTENT_TYPES.find((t) => t === v) ?? "image/jpeg";

function toRow(r: Record<string, SqlStorageValue>): ShotRow {
  return {
    id: String(r.id), memberId: String(r.member_id), deviceId: str(r.device_id ?? null), takenAtMs: Number(r.taken_at_ms),
    slotStartMs: Number(r.slot_start_ms), display: Number(r.display), activityPct: num(r.activity_pct ?? null), app: str(r.app ?? null),
    contentType: contentTypeOf(r.content_type ?? null), r2Key: String(r.r2_key), thumbR2Key: String(r.thumb_r2_key),
    sizeBytes: Number(r.size_bytes), thumbBytes: Number(r.thumb_bytes), createdAt: Number(r.created_at),
  };
}

/* ---------------------------------------------------------------------------------------- inputs */

const Id = z.string().min(1).max(64);
const Ms = z.number().int();

/** A new screenshot as the Worker records it, after the R2 writes. */
export const NewShot = z.object({
  id: Id, memberId: Id, deviceId: Id.nullable(), takenAtMs: Ms, slotStartMs: Ms, display: z.number().int().min(0),
  activityPct: z.number().int().min(0).max(100).nullable(), app: z.string().max(200).nullable(),
  contentType: z.enum(SCREENSHOT_CONTENT_TYPES), r2Key: z.string().min(1), thumbR2Key: z.string().min(1),
  sizeBytes: z.number().int().min(0), thumbBytes: z.number().int().min(0), createdAt: Ms,
  /** tracking_settings.screenshots_per_slot at upload time. */
  perSlot: z.number().int().min(0).max(3),
});
export type NewShot = z.infer<typeof NewShot>;

export const ShotProbe = NewShot.pick({ id: true, memberId: true, takenAtMs: true, slotStartMs: true, display: true, perSlot: true });
export type ShotProbe = z.infer<typeof ShotProbe>;

/** stored / duplicate, or why the shot cannot be stored. */
export type ShotVerdict = "new" | "duplicate" | "id_conflict" | "slot_full";

export const ShotListQuery = z.object({
  // 501: the Worker asks for one more than the largest page (500) to learn whether there is a next page.
  memberId: Id, fromMs: Ms, toMs: Ms, scope: ShotScope, limit: z.number().int().min(1).max(501),
  /** Continue after this (takenAtMs, id), exclusive. */
  after: z.object({ takenAtMs: Ms, id: Id }).nullable(),
});
export type ShotListQuery = z.infer<typeof ShotListQuery>;

export const ShotDeletion = z.object({
  id: Id,
  scope: ShotScope,
  at: Ms,
  /** True when the member deletes their own screenshot: the slot's time goes with it (ADR 0007). */
  removeSlotTime: z.boolean(),
  /** The member's time zone, for the day rollups of the slot. */
  timeZone: z.string().min(1).max(64),
});
export type ShotDeletion = z.infer<typeof ShotDeletion>;

export type ShotDeletionResult =
  | { ok: true; shot: ShotRow; removedSeconds: number; changedEntryIds: string[] }
  | { ok: false; code: "not_found" | "timer_running" };

/* ----------------------------------------------------------------------------------------- store */

/** Marks receipts changed by the server, so a same-rev upload of the agent's old content is an id_conflict, never a silent overwrite. */
const SERVER_EDIT_HASH = "server:screenshot-deleted";

export class ScreenshotStore {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Whether a shot can be stored. A slot holds at most `perSlot` capture moments per member; the shots
   * of one moment on several displays count once, but one display is captured once per moment.
   * Deleted shots still count: deleting does not make room for more.
   */
  judge(p: ShotProbe): ShotVerdict {
    const existing = this.sql.exec("select member_id from screenshots where id = ?", p.id).toArray()[0];
    if (existing) return existing.member_id === p.memberId ? "duplicate" : "id_conflict";
    const rows = this.sql.exec(
      "select taken_at_ms, display from screenshots where member_id = ? and slot_start_ms = ?", p.memberId, p.slotStartMs,
    ).toArray();
    if (rows.some((r) => r.taken_at_ms === p.takenAtMs && r.display === p.display)) return "slot_full";
    const moments = new Set(rows.map((r) => Number(r.taken_at_ms)));
    if (!moments.has(p.takenAtMs) && moments.size >= p.perSlot) return "slot_full";
    return "new";
  }

  /** Judges again and inserts, in the caller's transaction (two uploads racing for the last place in a slot). */
  record(s: NewShot): ShotVerdict {
    const verdict = this.judge(s);
    if (verdict !== "new") return verdict;
    this.sql.exec(
      `insert into screenshots (id, member_id, device_id, taken_at_ms, slot_start_ms, display, activity_pct, app, content_type,
         r2_key, thumb_r2_key, size_bytes, thumb_bytes, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id, s.memberId, s.deviceId, s.takenAtMs, s.slotStartMs, s.display, s.activityPct, s.app, s.contentType,
      s.r2Key, s.thumbR2Key, s.sizeBytes, s.thumbBytes, s.createdAt,
    );
    return "new";
  }

  /** A live (not deleted) screenshot inside the viewer's scope, or null. */
  get(id: string, scope: ShotScope): ShotRow | null {
    const sc = scopeSql(scope);
    const r = this.sql.exec(`select ${COLUMNS} from screenshots s where s.id = ? and s.deleted_at is null and ${sc.where}`, id, ...sc.params).toArray()[0];
    return r ? toRow(r) : null;
  }

  /** A member's live screenshots taken in [fromMs, toMs) and inside the viewer's scope, oldest first. */
  list(q: ShotListQuery): ShotRow[] {
    const sc = scopeSql(q.scope);
    const after = q.after ? "and (s.taken_at_ms > ? or (s.taken_at_ms = ? and s.id > ?))" : "";
    const afterParams = q.after ? [q.after.takenAtMs, q.after.takenAtMs, q.after.id] : [];
    return this.sql.exec(
      `select ${COLUMNS} from screenshots s
        where s.member_id = ? and s.deleted_at is null and s.taken_at_ms >= ? and s.taken_at_ms < ? ${after} and ${sc.where}
        order by s.taken_at_ms, s.id limit ?`,
      q.memberId, q.fromMs, q.toMs, ...afterParams, ...sc.params, q.limit,
    ).toArray().map(toRow);
  }

  recordView(shotId: string, viewerMemberId: string, at: number) {
    this.sql.exec("insert into screenshot_views (shot_id, viewer_member_id, at) values (?, ?, ?)", shotId, viewerMemberId, at);
  }

  /** Who viewed a screenshot, newest first. */
  views(shotId: string): { viewerMemberId: string; at: number }[] {
    return this.sql.exec("select viewer_member_id, at from screenshot_views where shot_id = ? order by at desc, rowid desc limit 500", shotId)
      .toArray().map((r) => ({ viewerMemberId: String(r.viewer_member_id), at: Number(r.at) }));
  }

  /**
   * Deletes a screenshot (the row is kept, marked deleted, so an agent's retried upload of the same
   * id stays a duplicate instead of bringing it back; its R2 objects are deleted by the caller).
   * With removeSlotTime the member's time in the shot's 10-minute slot goes too (ADR 0007).
   * Runs inside the caller's transaction.
   */
  delete(d: ShotDeletion, tracking: TrackingStore): ShotDeletionResult {
    const shot = this.get(d.id, d.scope);
    if (!shot) return { ok: false, code: "not_found" };
    let removedMs = 0;
    const changed: string[] = [];
    if (d.removeSlotTime) {
      const s0 = shot.slotStartMs;
      const s1 = s0 + SLOT_MS;
      // A running entry is still being extended by the agent: trimming it now would be undone or collide.
      const running = this.sql.exec(
        "select id from time_entries where member_id = ? and deleted_at is null and approval <> 'rejected' and end_ms is null and start_ms < ? and start_ms > ? limit 1",
        shot.memberId, s1, s1 - MAX_ENTRY_MS,
      ).toArray()[0];
      if (running) return { ok: false, code: "timer_running" };
      const entries = this.sql.exec(
        `select id, start_ms, end_ms from time_entries
          where member_id = ? and deleted_at is null and approval <> 'rejected' and end_ms is not null and start_ms < ? and start_ms > ? and end_ms > ?`,
        shot.memberId, s1, s0 - MAX_ENTRY_MS, s0,
      ).toArray().map((r) => ({ id: String(r.id), startMs: Number(r.start_ms), endMs: Number(r.end_ms) }));
      for (const e of entries) {
        removedMs += Math.min(e.endMs, s1) - Math.max(e.startMs, s0);
        this.cutEntry(e, s0, s1, d.at);
        changed.push(e.id);
      }
      this.bumpReceipts("time_entry", changed, d.at);
      const slotIds = this.sql.exec("select id from activity_slots where member_id = ? and slot_start_ms = ?", shot.memberId, s0)
        .toArray().map((r) => String(r.id));
      this.sql.exec("update activity_slots set tracked_s = 0, active_s = 0, rev = rev + 1 where member_id = ? and slot_start_ms = ?", shot.memberId, s0);
      this.bumpReceipts("slot", slotIds, d.at);
      for (const day of daysTouched(s0, s1, d.timeZone)) tracking.recomputeDay(shot.memberId, day, d.timeZone);
    }
    this.sql.exec("update screenshots set deleted_at = ? where id = ?", d.at, shot.id);
    return { ok: true, shot, removedSeconds: Math.round(removedMs / 1000), changedEntryIds: changed };
  }

  /** Removes [s0, s1) from one closed entry: deletes it, moves one end, or splits it in two (the tail gets a new id). */
  private cutEntry(e: { id: string; startMs: number; endMs: number }, s0: number, s1: number, at: number) {
    if (e.startMs >= s0 && e.endMs <= s1) {
      this.sql.exec("update time_entries set deleted_at = ?, rev = rev + 1, updated_at = ? where id = ?", at, at, e.id);
      return;
    }
    if (e.startMs < s0 && e.endMs > s1) {
      this.sql.exec(
        `insert into time_entries (id, member_id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, device_id, created_at, updated_at, approval, reason)
         select ?, member_id, project_id, task_id, ?, end_ms, note, billable, source, 0, device_id, ?, ?, approval, reason from time_entries where id = ?`,
        newId(), s1, at, at, e.id,
      );
    }
    if (e.startMs < s0) this.sql.exec("update time_entries set end_ms = ?, rev = rev + 1, updated_at = ? where id = ?", s0, at, e.id);
    else this.sql.exec("update time_entries set start_ms = ?, rev = rev + 1, updated_at = ? where id = ?", s1, at, e.id);
  }

  /** Raises the receipts' rev with the rows' (ADR 0006: other writers raise rev, so the agent's older revisions stay stale). */
  private bumpReceipts(kind: "time_entry" | "slot", ids: string[], at: number) {
    if (!ids.length) return;
    this.sql.exec(
      "update ingest_receipts set rev = rev + 1, content_hash = ?, at = ? where kind = ? and item_id in (select value from json_each(?))",
      SERVER_EDIT_HASH, at, kind, JSON.stringify(ids),
    );
  }

  /** Screenshots (deleted or not) taken before `cutoffMs`, oldest first: what retention removes. */
  expired(cutoffMs: number, limit: number): { id: string; r2Key: string; thumbR2Key: string }[] {
    return this.sql.exec("select id, r2_key, thumb_r2_key from screenshots where taken_at_ms < ? order by taken_at_ms limit ?", cutoffMs, limit)
      .toArray().map((r) => ({ id: String(r.id), r2Key: String(r.r2_key), thumbR2Key: String(r.thumb_r2_key) }));
  }

  /** Deletes rows and their view records for good (after their R2 objects are gone). */
  purge(ids: string[]) {
    if (!ids.length) return;
    const json = JSON.stringify(ids);
    this.sql.exec("delete from screenshot_views where shot_id in (select value from json_each(?))", json);
    this.sql.exec("delete from screenshots where id in (select value from json_each(?))", json);
  }
}
