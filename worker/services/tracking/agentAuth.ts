/**
 * Who is calling with a device token, counted against the device's rate limit — and, for a batch
 * upload, the workspace's privacy rules and what the member may record time on — in ONE D1 round
 * trip. Every agent request starts here, so each sequential D1 query would add to every upload's and
 * heartbeat's latency in production, where D1 is remote (docs/benchmarks.md). The statements of one
 * `db.batch` cannot use each other's results, so the later ones find the device by its token hash
 * in a subquery instead of by an id learnt from the first. The statements are built and prepared
 * once per isolate (db/preparedBatch.ts).
 *
 * A token is accepted while its device is not revoked, its member is active, the workspace's
 * two-factor requirement is met and the device has been heard from within DEVICE_IDLE_EXPIRY_MS:
 * an agent that is in use sends heartbeats all day, so only abandoned installs expire. Revocation
 * and deactivation take effect with the device's very next request: nothing here is cached.
 */
import { and, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { PreparedQuery, runPrepared } from "../../db/preparedBatch";
import { devices, members, projectMembers, projects, rateWindows, tasks, trackingSettings, users, workspaces, type Role } from "../../db/schema";
import { tooManyRequests, unauthorized } from "../../http/problem";
import type { References } from "../../workspace/ingest";
import type { ServiceContext } from "../context";
import { hashDeviceToken, isDeviceTokenShape } from "./deviceSecrets";
import type { DevicePrincipal } from "./devices";
import { settingsFromRow, type TrackingSettings } from "./settings";
import type { RateLimit } from "./rateLimit";

/** A device token unused for this long stops working; the member signs the agent in again. */
export const DEVICE_IDLE_EXPIRY_MS = 90 * 24 * 3600_000;
/** How often last_seen_at / last_ip are written at most: presence is the heartbeat's job, not this. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

const EVERY_PROJECT_ROLES: Role[] = ["owner", "executive"];

/** The per-request values of the gate's statements (sql.placeholder names). */
const P = {
  hash: sql.placeholder("hash"),
  /** Devices last heard of before this are expired (now − DEVICE_IDLE_EXPIRY_MS). */
  liveAfter: sql.placeholder("liveAfter"),
  windowStart: sql.placeholder("windowStart"),
  /** `:<limit name>`, appended to `device:<id>` to make the counter's key. */
  keySuffix: sql.placeholder("keySuffix"),
  /** The project ids a batch names, as a JSON array. */
  projectIds: sql.placeholder("projectIds"),
  /** The settings version this isolate already holds for the token's workspace (-1: none). */
  knownVersion: sql.placeholder("knownVersion"),
};

/** The live device of the token: the condition the counting statement uses. */
const liveDevice = and(eq(devices.tokenHash, P.hash), isNull(devices.revokedAt),
  sql`coalesce(${devices.lastSeenAt}, ${devices.createdAt}) > ${P.liveAfter}`);

/**
 * Flat columns with distinct names: D1's batch answers rows as objects keyed by column name, so the
 * three `id` columns of a `{ d: devices, m: members, … }` selection would overwrite each other.
 */
const principalQuery = new PreparedQuery((db) => db.select({
  deviceId: devices.id, deviceName: devices.name, os: devices.os, agentVersion: devices.agentVersion,
  createdAt: devices.createdAt, lastSeenAt: devices.lastSeenAt,
  memberId: sql<string>`${members.id}`.as("member_id"), userId: members.userId, role: members.role,
  displayName: members.displayName, timeZone: members.timeZone,
  workspaceId: sql<string>`${workspaces.id}`.as("workspace_id"), workspaceName: sql<string>`${workspaces.name}`.as("workspace_name"),
  require2fa: workspaces.require2fa, totpEnabledAt: users.totpEnabledAt,
}).from(devices)
  .innerJoin(members, and(eq(members.id, devices.memberId), eq(members.workspaceId, devices.workspaceId)))
  .innerJoin(workspaces, eq(workspaces.id, devices.workspaceId))
  .innerJoin(users, eq(users.id, members.userId))
  .where(and(eq(devices.tokenHash, P.hash), isNull(devices.revokedAt), eq(members.status, "active")))
  .limit(1));

/**
 * Counts the request in the device's fixed window (see rateLimit.ts for the UPSERT's rules) — only
 * when the token belongs to a live device, so random tokens cannot fill the table with counters.
 */
const rateHitQuery = new PreparedQuery((db) => db.insert(rateWindows)
  .select(db.select({
    key: sql<string>`'device:' || ${devices.id} || ${P.keySuffix}`.as("key"),
    windowStart: sql<number>`${P.windowStart}`.as("window_start"),
    count: sql<number>`1`.as("count"),
  }).from(devices).where(liveDevice))
  .onConflictDoUpdate({
    target: rateWindows.key,
    set: {
      count: sql`case when excluded.window_start > ${rateWindows.windowStart} then 1 else ${rateWindows.count} + 1 end`,
      windowStart: sql`max(${rateWindows.windowStart}, excluded.window_start)`,
    },
  })
  .returning({ count: rateWindows.count }));

const deviceColumn = (column: typeof devices.workspaceId | typeof devices.memberId) =>
  sql`(select ${column} from ${devices} where ${eq(devices.tokenHash, P.hash)})`;

/**
 * The workspace's settings row, unless its version is the one this isolate already holds: checked
 * in the same D1 batch, so a cached copy is never stale, and an unchanged row (nearly every upload)
 * costs an index probe instead of a row to transfer and convert.
 */
const settingsQuery = new PreparedQuery((db) => db.select().from(trackingSettings)
  .where(and(eq(trackingSettings.workspaceId, deviceColumn(devices.workspaceId)), sql`${trackingSettings.version} <> ${P.knownVersion}`)));

/**
 * Settings by device token hash (a token never changes workspace), as last read from D1 with their
 * version. Bounded: emptied when it grows past SETTINGS_CACHE_MAX devices.
 */
const settingsByToken = new Map<string, TrackingSettings>();
const SETTINGS_CACHE_MAX = 5000;

/** The settings the batch answered, or the cached ones when the row came back empty for their version. */
function currentSettings(hash: string, rows: Parameters<typeof settingsFromRow>[0][]): TrackingSettings {
  const cached = settingsByToken.get(hash);
  if (!rows[0] && cached) return cached;
  // A row (new or changed version), or none at all: the defaults (version 0), also worth keeping.
  const fresh = settingsFromRow(rows[0]);
  if (settingsByToken.size >= SETTINGS_CACHE_MAX) settingsByToken.clear();
  settingsByToken.set(hash, fresh);
  return fresh;
}

/**
 * Projects (not archived) and their open tasks that a member may record time on: owners and
 * executives every project, others the projects they are a member or manager of. A left join, so
 * projects without tasks still count. `memberId` is a literal id or a subquery yielding one.
 */
export function referencesQuery(db: Db, workspaceId: string | SQL, memberId: string | SQL) {
  // Aliased: both columns are called `id`, and a D1 batch answers rows keyed by column name.
  return db.select({ projectId: sql<string>`${projects.id}`.as("project_id"), taskId: sql<string | null>`${tasks.id}`.as("task_id") }).from(projects)
    .leftJoin(tasks, and(eq(tasks.projectId, projects.id), eq(tasks.workspaceId, projects.workspaceId), isNull(tasks.archivedAt)))
    .where(and(
      eq(projects.workspaceId, workspaceId), isNull(projects.archivedAt),
      or(
        sql`exists (select 1 from ${members} where ${members.id} = ${memberId} and ${inArray(members.role, EVERY_PROJECT_ROLES)})`,
        inArray(projects.id, db.select({ id: projectMembers.projectId }).from(projectMembers)
          .where(and(eq(projectMembers.memberId, memberId), inArray(projectMembers.role, ["member", "manager"])))),
      ),
    ));
}

/**
 * referencesQuery narrowed to the projects a batch names: the ingest only asks about those, and the
 * member's whole list (every project with every open task, for owners) is most of a batch's D1 rows.
 */
const deviceReferencesQuery = new PreparedQuery((db) => db.select().from(referencesQuery(db, deviceColumn(devices.workspaceId), deviceColumn(devices.memberId)).as("refs"))
  .where(sql`project_id in (select value from json_each(${P.projectIds}))`));

export function toReferences(rows: { projectId: string; taskId: string | null }[]): References {
  const projectIds = [...new Set(rows.map((r) => r.projectId))];
  const taskRows = rows.flatMap((r) => (r.taskId === null ? [] : [{ id: r.taskId, projectId: r.projectId }]));
  return { projectIds, tasks: taskRows };
}

const invalidToken = () => unauthorized("invalid_device_token", "The device token is missing, unknown or revoked. Sign the agent in again.");

type PrincipalRow = (typeof principalQuery extends PreparedQuery<(infer R)[]> ? R : never);

/** 401 unless the row is a usable device; then the principal. */
function principalOf(row: PrincipalRow | undefined, now: number): DevicePrincipal {
  if (!row || (row.require2fa && row.totpEnabledAt === null)) {
    throw invalidToken();
  }
  if ((row.lastSeenAt ?? row.createdAt) <= now - DEVICE_IDLE_EXPIRY_MS) {
    throw unauthorized("device_token_expired", "This device has not been used for 90 days and was signed out. Sign the agent in again.");
  }
  return {
    device: { id: row.deviceId, name: row.deviceName, os: row.os, agentVersion: row.agentVersion },
    member: { id: row.memberId, userId: row.userId, role: row.role, displayName: row.displayName, timeZone: row.timeZone },
    workspace: { id: row.workspaceId, name: row.workspaceName },
  };
}

/**
 * Records when and from where the device was last heard of, at most once a minute: one request in
 * sixty pays for this extra round trip, and the condition keeps concurrent requests from writing twice.
 */
async function touch(ctx: ServiceContext, row: PrincipalRow, now: number) {
  if (row.lastSeenAt !== null && now - row.lastSeenAt < LAST_SEEN_RESOLUTION_MS) return;
  await ctx.db.update(devices).set({ lastSeenAt: now, lastIp: ctx.ip })
    .where(and(eq(devices.id, row.deviceId), or(isNull(devices.lastSeenAt), sql`${devices.lastSeenAt} <= ${now - LAST_SEEN_RESOLUTION_MS}`)));
}

function enforce(limit: RateLimit, counted: { count: number }[], now: number) {
  const count = counted[0]?.count ?? 0;
  if (count > limit.limit) {
    const windowEnd = (Math.floor(now / limit.windowMs) + 1) * limit.windowMs;
    throw tooManyRequests((windowEnd - now) / 1000, "rate_limited", "Too many requests from this device. Wait before sending more.");
  }
}

/** The token from an `Authorization: Bearer wtd_…` header, or "" (an agent holds no cookies). */
export function bearerToken(header: string | undefined): string {
  return /^bearer\s+(\S+)$/i.exec((header ?? "").trim())?.[1] ?? "";
}

const rejectShape = (token: string) => {
  // Never a user's access token: the shapes differ, and nothing else is looked up.
  if (!isDeviceTokenShape(token)) throw invalidToken();
};

const gateValues = (hash: string, limit: RateLimit, now: number) => ({
  hash, liveAfter: now - DEVICE_IDLE_EXPIRY_MS, windowStart: Math.floor(now / limit.windowMs) * limit.windowMs, keySuffix: `:${limit.name}`,
});

/** The calling device, counted against `limit`: 401, 429, or the principal. */
export async function authenticateAgent(ctx: ServiceContext, token: string, limit: RateLimit): Promise<DevicePrincipal> {
  rejectShape(token);
  const now = ctx.now();
  const values = gateValues(await hashDeviceToken(token), limit, now);
  const [rows, counted] = await runPrepared(ctx.db, [principalQuery, rateHitQuery], values);
  const device = principalOf(rows[0], now);
  enforce(limit, counted, now);
  await touch(ctx, rows[0]!, now);
  return device;
}

export interface IngestGate {
  device: DevicePrincipal;
  settings: TrackingSettings;
  references: References;
}

/**
 * authenticateAgent plus what a batch upload needs from D1, still one round trip. `projectIds` are
 * the projects the batch names: the references answer for those only (none named: no query).
 */
export async function authenticateAgentForIngest(ctx: ServiceContext, token: string, limit: RateLimit, projectIds: string[]): Promise<IngestGate> {
  rejectShape(token);
  const now = ctx.now();
  const hash = await hashDeviceToken(token);
  const values = { ...gateValues(hash, limit, now), projectIds: JSON.stringify(projectIds), knownVersion: settingsByToken.get(hash)?.version ?? -1 };
  const queries = projectIds.length
    ? [principalQuery, rateHitQuery, settingsQuery, deviceReferencesQuery] as const
    : [principalQuery, rateHitQuery, settingsQuery] as const;
  const [rows, counted, settingsRows, referenceRows = []] = await runPrepared(ctx.db, queries, values);
  const device = principalOf(rows[0], now);
  enforce(limit, counted, now);
  await touch(ctx, rows[0]!, now);
  return { device, settings: currentSettings(hash, settingsRows), references: toReferences(referenceRows) };
}
