/**
 * The Workspace Durable Object's own SQLite schema (drizzle durable-sqlite, separate migrations).
 * It holds the workspace's tracking records (DESIGN.md, "two tiers of storage"): time entries,
 * activity slots, app and site usage, idle decisions, their day rollups, the ingest receipts that
 * make uploads idempotent, the presence row of each member (latest heartbeat), and the live board's
 * rows and viewer scopes (live_members, live_scopes: worker/workspace/live/).
 *
 * Times are integer epoch milliseconds (server clock, after the agent's clock offset was applied);
 * ids of records are the agent's UUIDv7s. member/project/task/device ids point into D1, so there
 * are no foreign keys here: the Worker checks them against the control plane.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const presence = sqliteTable("presence", {
  memberId: text("member_id").primaryKey(),
  state: text("state", { enum: ["offline", "tracking", "idle", "stopped"] }).notNull().default("offline"),
  lastHeartbeatAt: integer("last_heartbeat_at"),
  updatedAt: integer("updated_at").notNull(),
});

export const TIME_ENTRY_SOURCES = ["desktop", "web", "api"] as const;
export const IDLE_DECISIONS = ["keep", "discard", "reassign"] as const;

/** No two live entries of a member overlap (checked by the ingest, which is the only writer). */
export const timeEntries = sqliteTable("time_entries", {
  id: text("id").primaryKey(),
  memberId: text("member_id").notNull(),
  projectId: text("project_id"),
  taskId: text("task_id"),
  startMs: integer("start_ms").notNull(),
  /** null while running. */
  endMs: integer("end_ms"),
  note: text("note").notNull().default(""),
  billable: integer("billable", { mode: "boolean" }).notNull().default(false),
  source: text("source", { enum: TIME_ENTRY_SOURCES }).notNull(),
  rev: integer("rev").notNull(),
  deviceId: text("device_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  deletedAt: integer("deleted_at"),
  /** Manual entries under an approval policy start "pending"; everything else is "approved". */
  approval: text("approval", { enum: ["approved", "pending", "rejected"] }).notNull().default("approved"),
  /** Why a manual entry was added (required for manual entries). */
  reason: text("reason"),
}, (t) => [index("time_entries_member_start_idx").on(t.memberId, t.startMs)]);

/** One row per device and 10-minute slot; activity % = active_s / tracked_s. */
export const activitySlots = sqliteTable("activity_slots", {
  id: text("id").primaryKey(),
  memberId: text("member_id").notNull(),
  slotStartMs: integer("slot_start_ms").notNull(),
  trackedS: integer("tracked_s").notNull(),
  activeS: integer("active_s").notNull(),
  rev: integer("rev").notNull(),
  deviceId: text("device_id").notNull(),
}, (t) => [uniqueIndex("activity_slots_member_slot_device_uq").on(t.memberId, t.slotStartMs, t.deviceId)]);

/** App and site usage after the server-side privacy filter: title only when captured, URL reduced. */
export const usageSpans = sqliteTable("usage_spans", {
  id: text("id").primaryKey(),
  memberId: text("member_id").notNull(),
  app: text("app").notNull(),
  title: text("title"),
  url: text("url"),
  startMs: integer("start_ms").notNull(),
  endMs: integer("end_ms").notNull(),
  /** productive / neutral / unproductive once classified; null = not classified. */
  category: text("category"),
  deviceId: text("device_id"),
  /**
   * sha256 of the span as uploaded (as a receipt's content_hash): a span is never revised, so its row
   * is its own ingest receipt (ADR 0006). null on rows stored before migration 0004.
   */
  contentHash: text("content_hash"),
}, (t) => [index("usage_spans_member_start_idx").on(t.memberId, t.startMs)]);

/** The member's decision about a span without input (the agent applies it to its entries). */
export const idleSpans = sqliteTable("idle_spans", {
  id: text("id").primaryKey(),
  memberId: text("member_id").notNull(),
  startMs: integer("start_ms").notNull(),
  endMs: integer("end_ms").notNull(),
  decision: text("decision", { enum: IDLE_DECISIONS }).notNull(),
  projectId: text("project_id"),
  taskId: text("task_id"),
  deviceId: text("device_id"),
}, (t) => [index("idle_spans_member_start_idx").on(t.memberId, t.startMs)]);

/**
 * The answer given for every item id the ingest has stored or rejected because of stored state
 * (ADR 0006), except stored usage spans, whose own row answers for them (usage_spans.content_hash). A replay is compared with it: same rev and content hash gives the same answer.
 * Kept RECEIPT_TTL_MS after `at` (ADR 0008): each ingest prunes a few expired ones through the index
 * on `at`, so the table holds about three months of items instead of growing forever.
 */
export const ingestReceipts = sqliteTable("ingest_receipts", {
  itemId: text("item_id").primaryKey(),
  /** The member whose device sent it: an id of someone else's record is never updated or confirmed. */
  memberId: text("member_id").notNull(),
  kind: text("kind", { enum: ["time_entry", "slot", "usage", "idle"] }).notNull(),
  status: text("status", { enum: ["stored", "rejected"] }).notNull(),
  code: text("code"),
  field: text("field"),
  detail: text("detail"),
  /** sha256 of the item as stored (after the privacy filter, before the clock offset). */
  contentHash: text("content_hash").notNull(),
  rev: integer("rev").notNull(),
  /** When the receipt was last written (server clock): the start of its time to live. */
  at: integer("at").notNull(),
}, (t) => [index("ingest_receipts_at_idx").on(t.at)]);

/**
 * Tracked and active seconds per member, local day (in the member's time zone) and project/task,
 * recomputed from the raw rows for every day a batch touches, in the ingest's transaction.
 */
export const dayRollups = sqliteTable("day_rollups", {
  memberId: text("member_id").notNull(),
  localDay: text("local_day").notNull(),
  projectId: text("project_id"),
  taskId: text("task_id"),
  trackedS: integer("tracked_s").notNull(),
  activeS: integer("active_s").notNull(),
}, (t) => [index("day_rollups_member_day_idx").on(t.memberId, t.localDay)]);

/**
 * Screenshot metadata. The images themselves are HPKE envelopes in R2 under keys the server derives
 * (ws/<ws>/m/<member>/<yyyy-mm-dd>/<shot id>[.thumb]); R2 never sees plaintext.
 */
export const screenshots = sqliteTable("screenshots", {
  id: text("id").primaryKey(),
  memberId: text("member_id").notNull(),
  deviceId: text("device_id"),
  takenAtMs: integer("taken_at_ms").notNull(),
  slotStartMs: integer("slot_start_ms").notNull(),
  display: integer("display").notNull().default(0),
  activityPct: integer("activity_pct"),
  app: text("app"),
  contentType: text("content_type").notNull().default("image/jpeg"),
  r2Key: text("r2_key").notNull(),
  thumbR2Key: text("thumb_r2_key").notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  thumbBytes: integer("thumb_bytes").notNull(),
  createdAt: integer("created_at").notNull(),
  deletedAt: integer("deleted_at"),
}, (t) => [index("screenshots_member_taken_idx").on(t.memberId, t.takenAtMs), index("screenshots_taken_idx").on(t.takenAtMs)]);

/** Who looked at which screenshot, so a member can see who viewed theirs. */
export const screenshotViews = sqliteTable("screenshot_views", {
  shotId: text("shot_id").notNull(),
  viewerMemberId: text("viewer_member_id").notNull(),
  at: integer("at").notNull(),
}, (t) => [index("screenshot_views_shot_idx").on(t.shotId)]);

/* ------------------------------------------------------------------------------------ live board */

/**
 * One row per member on the live board (worker/workspace/live/): the member's current state as the
 * object last learned it from heartbeats, batches, the web timer and screenshots, persisted so that
 * hibernation or eviction loses nothing. Viewers receive projections of it (live/projection.ts).
 */
export const liveMembers = sqliteTable("live_members", {
  memberId: text("member_id").primaryKey(),
  status: text("status", { enum: ["offline", "stopped", "tracking", "idle"] }).notNull(),
  /** The running timer's project/task, or the last one's once stopped or offline. */
  projectId: text("project_id"),
  taskId: text("task_id"),
  /** The running timer's entry id and start; null when no timer runs. */
  entryId: text("entry_id"),
  timerStartedAt: integer("timer_started_at"),
  source: text("source", { enum: TIME_ENTRY_SOURCES }),
  /** When the server last heard from the member's agent or web timer. */
  lastSeenAt: integer("last_seen_at"),
  /** receivedAt of the latest agent heartbeat applied: a late (retried) one never moves the row back. */
  heartbeatAt: integer("heartbeat_at"),
  /** The device the agent state comes from, and when it last sent a heartbeat (a second device that
   *  reports no timer does not stop the first one's while that one is still heard from). */
  deviceId: text("device_id"),
  deviceSeenAt: integer("device_seen_at"),
  timeZone: text("time_zone").notNull(),
  /** Grace period after the last heartbeat before the alarm marks a desktop member offline. */
  offlineAfterMs: integer("offline_after_ms"),
  activityPercent: integer("activity_percent"),
  /** Start of the slot activityPercent comes from (latest slot wins). */
  activitySlotMs: integer("activity_slot_ms"),
  appName: text("app_name"),
  appTitle: text("app_title"),
  appUrl: text("app_url"),
  /** When the current app was observed (heartbeat receipt or usage span end): newer wins. */
  appAt: integer("app_at"),
  shotId: text("shot_id"),
  shotTakenAt: integer("shot_taken_at"),
  /** The member's local day the totals are for ('YYYY-MM-DD'), its bounds, and its tracked seconds. */
  today: text("today").notNull(),
  todayStartsAt: integer("today_starts_at").notNull(),
  todayEndsAt: integer("today_ends_at").notNull(),
  /** Tracked seconds today without the running timer's part. */
  todaySeconds: integer("today_seconds").notNull(),
  /** The same split per project, JSON {projectId: seconds} (time without a project is not listed). */
  todayByProject: text("today_by_project").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The scopes of open live sockets, keyed by a hash of their JSON: a socket's attachment (16 KiB at
 * most) holds only the key, while a scope's member and project lists can be long. A row goes when no
 * socket uses it any more.
 */
export const liveScopes = sqliteTable("live_scopes", {
  scopeKey: text("scope_key").primaryKey(),
  scopeJson: text("scope_json").notNull(),
  createdAt: integer("created_at").notNull(),
});
