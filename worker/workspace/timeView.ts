/**
 * The timesheet read of one member over [fromMs, toMs): entries, 10-minute slots with activity,
 * idle spans and app/site usage totals, limited in SQL to what the Worker says the viewer may see.
 *
 * The object does not know roles. The Worker's authz module resolves the viewer's scope and passes
 * it as explicit sets (DESIGN.md, "Access control"):
 * - `projectIds`: null = every entry of the member; otherwise only entries on these projects
 *   (a project manager sees the time on projects they manage, nothing else of the person);
 * - `activity` / `apps`: "full" = everything of the member in the range; "entries" = only slots,
 *   idle spans and usage that overlap a visible entry (the activity of that project time);
 *   "none" = not returned at all (null, as opposed to an empty list).
 */
import { z } from "zod";
import { MAX_ENTRY_MS, MAX_SPAN_MS, SLOT_MS, SLOT_SECONDS } from "../contract/agent";
import { IDLE_DECISIONS } from "./schema";
import { ENTRY_COLUMNS, entryFromRow, type StoredEntry } from "./timeEntries";

const Id = z.string().min(1).max(64);
const Visibility = z.enum(["full", "entries", "none"]);

export const TimeViewQuery = z.object({
  memberId: Id,
  fromMs: z.number().int(),
  toMs: z.number().int(),
  /** Running entries count as lasting until now. */
  nowMs: z.number().int(),
  projectIds: z.array(Id).max(5000).nullable(),
  activity: Visibility,
  apps: Visibility,
}).refine((q) => q.toMs > q.fromMs && q.toMs - q.fromMs <= 32 * 24 * 3600_000, "Invalid range.");
export type TimeViewQuery = z.infer<typeof TimeViewQuery>;

export interface ViewSlot { slotStartMs: number; trackedS: number; activeS: number }
export interface ViewIdle { id: string; startMs: number; endMs: number; decision: (typeof IDLE_DECISIONS)[number]; projectId: string | null; taskId: string | null }
export interface AppTotal { app: string; category: string | null; ms: number }
export interface SiteTotal { host: string; ms: number }

export interface TimeView {
  entries: StoredEntry[];
  slots: ViewSlot[] | null;
  idle: ViewIdle[] | null;
  apps: AppTotal[] | null;
  sites: SiteTotal[] | null;
}

/** How many apps and sites a view lists (the biggest first). */
export const TOP_USAGE = 100;

const isDecision = (v: unknown): v is ViewIdle["decision"] => typeof v === "string" && (IDLE_DECISIONS as readonly string[]).includes(v);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/** `(? = 1 or <col> in (json set))`: the project filter with one bound JSON array, whatever its size. */
function projectFilter(column: string, q: TimeViewQuery): { sql: string; params: SqlStorageValue[] } {
  return { sql: `(? = 1 or ${column} in (select value from json_each(?)))`, params: [q.projectIds === null ? 1 : 0, JSON.stringify(q.projectIds ?? [])] };
}

/**
 * For "entries" visibility: the record [startExpr, endExpr) must overlap a visible, non-rejected entry
 * of the member. For "full": no condition.
 */
function overlapsVisibleEntry(mode: "full" | "entries", startExpr: string, endExpr: string, q: TimeViewQuery): { sql: string; params: SqlStorageValue[] } {
  if (mode === "full") return { sql: "1", params: [] };
  const p = projectFilter("e.project_id", q);
  return {
    sql: `exists (select 1 from time_entries e where e.member_id = ? and e.deleted_at is null and e.approval <> 'rejected' and ${p.sql}
            and e.start_ms < ${endExpr} and e.start_ms > ${startExpr} - ${MAX_ENTRY_MS} and coalesce(e.end_ms, ?) > ${startExpr})`,
    params: [q.memberId, ...p.params, q.nowMs],
  };
}

export function readTimeView(sql: SqlStorage, q: TimeViewQuery): TimeView {
  const { memberId, fromMs, toMs } = q;
  const pf = projectFilter("project_id", q);
  const entries = sql.exec(
    `select ${ENTRY_COLUMNS} from time_entries
      where member_id = ? and deleted_at is null and start_ms < ? and start_ms > ? and (end_ms is null or end_ms > ?) and ${pf.sql}
      order by start_ms, id`,
    memberId, toMs, fromMs - MAX_ENTRY_MS, fromMs, ...pf.params,
  ).toArray().map(entryFromRow);

  let slots: ViewSlot[] | null = null;
  let idle: ViewIdle[] | null = null;
  if (q.activity !== "none") {
    const v = overlapsVisibleEntry(q.activity, "s.slot_start_ms", `s.slot_start_ms + ${SLOT_MS}`, q);
    // Several devices may report the same slot: their seconds add up, capped at the slot's length.
    slots = sql.exec(
      `select slot_start_ms, min(${SLOT_SECONDS}, sum(tracked_s)) as tracked, min(${SLOT_SECONDS}, sum(tracked_s), sum(active_s)) as active
         from activity_slots s where s.member_id = ? and s.slot_start_ms >= ? and s.slot_start_ms < ? and ${v.sql}
        group by slot_start_ms order by slot_start_ms`,
      memberId, fromMs, toMs, ...v.params,
    ).toArray().map((r) => ({ slotStartMs: Number(r.slot_start_ms), trackedS: Number(r.tracked), activeS: Number(r.active) }));

    const vi = overlapsVisibleEntry(q.activity, "i.start_ms", "i.end_ms", q);
    idle = sql.exec(
      `select id, start_ms, end_ms, decision, project_id, task_id from idle_spans i
        where i.member_id = ? and i.start_ms < ? and i.start_ms > ? and i.end_ms > ? and ${vi.sql} order by i.start_ms, i.id`,
      memberId, toMs, fromMs - MAX_SPAN_MS, fromMs, ...vi.params,
    ).toArray().map((r) => ({
      id: String(r.id), startMs: Number(r.start_ms), endMs: Number(r.end_ms), decision: isDecision(r.decision) ? r.decision : "keep",
      projectId: str(r.project_id), taskId: str(r.task_id),
    }));
  }

  let apps: AppTotal[] | null = null;
  let sites: SiteTotal[] | null = null;
  if (q.apps !== "none") {
    const v = overlapsVisibleEntry(q.apps, "u.start_ms", "u.end_ms", q);
    const inRange = `u.member_id = ? and u.start_ms < ? and u.start_ms > ? and u.end_ms > ? and ${v.sql}`;
    const params = [memberId, toMs, fromMs - MAX_SPAN_MS, fromMs, ...v.params];
    // Time inside the range only: a span crossing midnight counts on each side for its part.
    apps = sql.exec(
      `select app, max(category) as category, sum(min(u.end_ms, ?) - max(u.start_ms, ?)) as ms from usage_spans u where ${inRange}
        group by app order by ms desc, app limit ${TOP_USAGE}`,
      toMs, fromMs, ...params,
    ).toArray().map((r) => ({ app: String(r.app), category: str(r.category), ms: Number(r.ms) }));
    // Stored URLs are reduced to scheme://host[:port]/path (reduceUrl), so the host is what lies between "://" and the next "/".
    sites = sql.exec(
      `with t as (select substr(u.url, instr(u.url, '://') + 3) as rest, u.start_ms, u.end_ms from usage_spans u where ${inRange} and u.url is not null)
       select substr(rest, 1, instr(rest || '/', '/') - 1) as host, sum(min(end_ms, ?) - max(start_ms, ?)) as ms
         from t group by host order by ms desc, host limit ${TOP_USAGE}`,
      ...params, toMs, fromMs,
    ).toArray().map((r) => ({ host: String(r.host), ms: Number(r.ms) }));
  }

  return { entries, slots, idle, apps, sites };
}
