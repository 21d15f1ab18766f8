/**
 * The live board's rows in the object's SQLite (table live_members, ./schema.ts owns the migration).
 * A BoardRow is the full state the object keeps per member; viewers only ever see projections of it
 * (projection.ts). Rows are immutable values: every change builds a new one, so the fan-out can
 * compare what a viewer saw before with what it sees after.
 */
import { LIVE_SOURCES, LIVE_STATUSES, type LiveStatus } from "../../contract/live";

export type LiveSource = (typeof LIVE_SOURCES)[number];

export interface LiveApp {
  name: string;
  title: string | null;
  url: string | null;
}

export interface BoardRow {
  memberId: string;
  status: LiveStatus;
  projectId: string | null;
  taskId: string | null;
  /** The running timer's entry and start; both null when no timer runs. */
  entryId: string | null;
  timerStartedAt: number | null;
  source: LiveSource | null;
  lastSeenAt: number | null;
  heartbeatAt: number | null;
  deviceId: string | null;
  deviceSeenAt: number | null;
  timeZone: string;
  offlineAfterMs: number | null;
  activityPercent: number | null;
  activitySlotMs: number | null;
  app: LiveApp | null;
  appAt: number | null;
  screenshot: { id: string; takenAt: number } | null;
  today: string;
  todayStartsAt: number;
  todayEndsAt: number;
  todaySeconds: number;
  /** Seconds per project (time without a project is only in todaySeconds). */
  todayByProject: Readonly<Record<string, number>>;
  updatedAt: number;
}

const str = (v: SqlStorageValue | undefined) => (typeof v === "string" ? v : null);
const num = (v: SqlStorageValue | undefined) => (typeof v === "number" ? v : null);
const isStatus = (v: unknown): v is LiveStatus => typeof v === "string" && (LIVE_STATUSES as readonly string[]).includes(v);
const isSource = (v: unknown): v is LiveSource => typeof v === "string" && (LIVE_SOURCES as readonly string[]).includes(v);

/** The stored JSON is our own, but a corrupt value must not take the whole board down. */
function parseByProject(v: SqlStorageValue | undefined): Record<string, number> {
  if (typeof v !== "string") return {};
  try {
    const parsed: unknown = JSON.parse(v);
    const out: Record<string, number> = {};
    if (parsed && typeof parsed === "object") {
      for (const [k, n] of Object.entries(parsed)) if (typeof n === "number" && Number.isFinite(n)) out[k] = n;
    }
    return out;
  } catch {
    return {};
  }
}

function fromSql(r: Record<string, SqlStorageValue>): BoardRow {
  const appName = str(r.app_name);
  const shotId = str(r.shot_id);
  return {
    memberId: String(r.member_id),
    status: isStatus(r.status) ? r.status : "offline",
    projectId: str(r.project_id),
    taskId: str(r.task_id),
    entryId: str(r.entry_id),
    timerStartedAt: num(r.timer_started_at),
    source: isSource(r.source) ? r.source : null,
    lastSeenAt: num(r.last_seen_at),
    heartbeatAt: num(r.heartbeat_at),
    deviceId: str(r.device_id),
    deviceSeenAt: num(r.device_seen_at),
    timeZone: String(r.time_zone),
    offlineAfterMs: num(r.offline_after_ms),
    activityPercent: num(r.activity_percent),
    activitySlotMs: num(r.activity_slot_ms),
    app: appName === null ? null : { name: appName, title: str(r.app_title), url: str(r.app_url) },
    appAt: num(r.app_at),
    screenshot: shotId === null ? null : { id: shotId, takenAt: Number(r.shot_taken_at) },
    today: String(r.today),
    todayStartsAt: Number(r.today_starts_at),
    todayEndsAt: Number(r.today_ends_at),
    todaySeconds: Number(r.today_seconds),
    todayByProject: parseByProject(r.today_by_project),
    updatedAt: Number(r.updated_at),
  };
}

const COLUMNS = [
  "member_id", "status", "project_id", "task_id", "entry_id", "timer_started_at", "source", "last_seen_at", "heartbeat_at",
  "device_id", "device_seen_at", "time_zone", "offline_after_ms", "activity_percent", "activity_slot_ms", "app_name", "app_title",
  "app_url", "app_at", "shot_id", "shot_taken_at", "today", "today_starts_at", "today_ends_at", "today_seconds", "today_by_project",
  "updated_at",
] as const;

const UPSERT = `insert into live_members (${COLUMNS.join(", ")}) values (${COLUMNS.map(() => "?").join(", ")})
  on conflict(member_id) do update set ${COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}`;

function toSql(r: BoardRow): SqlStorageValue[] {
  return [
    r.memberId, r.status, r.projectId, r.taskId, r.entryId, r.timerStartedAt, r.source, r.lastSeenAt, r.heartbeatAt,
    r.deviceId, r.deviceSeenAt, r.timeZone, r.offlineAfterMs, r.activityPercent, r.activitySlotMs, r.app?.name ?? null,
    r.app?.title ?? null, r.app?.url ?? null, r.appAt, r.screenshot?.id ?? null, r.screenshot?.takenAt ?? null, r.today,
    r.todayStartsAt, r.todayEndsAt, r.todaySeconds, JSON.stringify(r.todayByProject), r.updatedAt,
  ];
}

export class BoardStore {
  constructor(private readonly sql: SqlStorage) {}

  all(): BoardRow[] {
    return this.sql.exec(`select ${COLUMNS.join(", ")} from live_members order by member_id`).toArray().map(fromSql);
  }

  save(row: BoardRow) {
    this.sql.exec(UPSERT, ...toSql(row));
  }

  delete(memberId: string) {
    this.sql.exec("delete from live_members where member_id = ?", memberId);
  }

  /** The member's newest screenshot that is not deleted (screenshots_member_taken_idx), or null. */
  latestScreenshot(memberId: string): { id: string; takenAt: number } | null {
    const r = this.sql.exec(
      "select id, taken_at_ms from screenshots where member_id = ? and deleted_at is null order by taken_at_ms desc, id desc limit 1",
      memberId,
    ).toArray()[0];
    return r ? { id: String(r.id), takenAt: Number(r.taken_at_ms) } : null;
  }
}
