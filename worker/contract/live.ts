/**
 * The live board's wire contract (issue 5), shared by the Worker (route, authz), the Workspace
 * Durable Object (state, fan-out), the web page and the benchmark. Imports nothing but zod, so the
 * browser bundle can use it too.
 *
 * Flow: a browser opens a WebSocket on GET /live/{workspaceId}. The Worker authenticates the session
 * cookie, checks the Origin, resolves the viewer's LiveScope with the authz module and hands the
 * upgrade to the workspace's object together with that scope (never taken from the client). The
 * object answers with a snapshot, then deltas, each filtered by the viewer's scope.
 */
import { z } from "zod";

/* ----------------------------------------------------------------------------------------- scope */

/**
 * Which members one kind of data may be shown for (same shape as the screenshot scope):
 * - `{ all: true }`: every member of the workspace;
 * - otherwise a member is covered when their id is in `memberIds`, or when the project they are
 *   currently on (their board row's projectId) is in `projectIds`. Covered through projectIds only,
 *   today's total counts only time on those projects.
 */
export const LiveReach = z.union([
  z.object({ all: z.literal(true) }),
  z.object({
    all: z.literal(false),
    memberIds: z.array(z.string().max(64)).max(10_000),
    projectIds: z.array(z.string().max(64)).max(10_000),
  }),
]);
export type LiveReach = z.infer<typeof LiveReach>;

/**
 * What one viewer may see, resolved by the Worker from D1 (worker/authz) on connect and again
 * whenever roles, teams or project staffing change. `time` decides which rows exist at all (status,
 * project, task, timer, today's total); the other reaches decide the optional fields of those rows;
 * null means never.
 */
export const LiveScope = z.object({
  viewerMemberId: z.string().min(1).max(64),
  time: LiveReach,
  activity: LiveReach.nullable(),
  apps: LiveReach.nullable(),
  screenshots: LiveReach.nullable(),
});
export type LiveScope = z.infer<typeof LiveScope>;

/* ------------------------------------------------------------------------------------ board rows */

export const LIVE_STATUSES = ["offline", "stopped", "tracking", "idle"] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

export const LIVE_SOURCES = ["desktop", "web", "api"] as const;

/**
 * One member's row as a viewer receives it. Times are epoch milliseconds on the server's clock.
 * Optional fields are absent when the viewer's scope does not cover them (not merely null: null
 * means covered but unknown).
 */
export const LiveMember = z.object({
  memberId: z.string(),
  status: z.enum(LIVE_STATUSES),
  /** The project and task of the running timer, or of the last one when stopped. */
  projectId: z.string().nullable(),
  taskId: z.string().nullable(),
  /** Start of the running timer (tracking or idle), else null. */
  timerStartedAt: z.number().nullable(),
  /** The member's local day ('YYYY-MM-DD' in their time zone) the totals are for, and its start. */
  today: z.string(),
  todayStartsAt: z.number(),
  /**
   * Tracked seconds today that are not part of the running timer. A client shows
   * todaySeconds + (now − max(timerStartedAt, todayStartsAt)) while a timer runs.
   */
  todaySeconds: z.number().int().nonnegative(),
  /** When the server last heard from the member's agent or web timer. */
  lastSeenAt: z.number().nullable(),
  source: z.enum(LIVE_SOURCES).nullable(),
  /** Activity % of the latest 10-minute slot (activity scope). */
  activityPercent: z.number().int().min(0).max(100).nullable().optional(),
  /** Current app or site (apps scope); title only where the workspace captures titles. */
  app: z.object({ name: z.string(), title: z.string().nullable(), url: z.string().nullable() }).nullable().optional(),
  /** Latest screenshot (screenshots scope): its thumbnail is GET /api/v1/workspaces/{ws}/screenshots/{id}?variant=thumb. */
  screenshot: z.object({ id: z.string(), takenAt: z.number() }).nullable().optional(),
});
export type LiveMember = z.infer<typeof LiveMember>;

/* ----------------------------------------------------------------------------------------- frames */

/** Server → browser. `seq` grows with every change the object makes (per object lifetime, with `epoch`). */
export const LiveServerFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), epoch: z.string(), seq: z.number().int(), serverTime: z.number(), members: z.array(LiveMember) }),
  z.object({
    type: z.literal("delta"), epoch: z.string(), seq: z.number().int(), serverTime: z.number(),
    /** Rows that appeared or changed for this viewer (whole rows, as in the snapshot). */
    upsert: z.array(LiveMember),
    /** Members that left this viewer's board (removed from the workspace, or out of scope now). */
    remove: z.array(z.string()),
  }),
]);
export type LiveServerFrame = z.infer<typeof LiveServerFrame>;

/**
 * Browser → server. The text "ping" is answered "pong" by the runtime without waking the object
 * (setWebSocketAutoResponse). Anything else must parse as this union and be at most
 * LIVE_MAX_CLIENT_FRAME bytes, or the socket is closed (LIVE_CLOSE).
 */
export const LiveClientFrame = z.discriminatedUnion("type", [
  /** Ask for a fresh snapshot (after a gap, or when the page comes back from the background). */
  z.strictObject({ type: z.literal("resync"), lastSeq: z.number().int().nonnegative().optional() }),
]);
export type LiveClientFrame = z.infer<typeof LiveClientFrame>;

export const LIVE_MAX_CLIENT_FRAME = 1024;
export const LIVE_PING = "ping";
export const LIVE_PONG = "pong";

/** Close codes the object uses; the page reconnects on every code but `accessRevoked` and `signedOut`. */
export const LIVE_CLOSE = {
  /** Malformed frame (not JSON, unknown type, binary). */
  policy: 1008,
  /** Frame over LIVE_MAX_CLIENT_FRAME. */
  tooBig: 1009,
  /** The viewer is no longer a member, or may no longer see the board. */
  accessRevoked: 4403,
  /**
   * The session that opened the socket was revoked (sign-out, another session signing it out,
   * password change or reset, account deletion, access ended). The page stops reconnecting and asks
   * to sign in again: a reconnect would be refused with 401 anyway.
   */
  signedOut: 4401,
} as const;

/* ------------------------------------------------------------------------------- agent heartbeat */

/**
 * What a heartbeat tells the board beyond the state (all optional: older agents send only at/state).
 * The Worker checks the project and task against what the member may record on and applies the
 * workspace's privacy rules to `app` before the object sees it.
 */
export const HeartbeatActivity = z.object({
  /** The running timer's entry (the agent's UUIDv7), or null when stopped. Strict: unknown keys are refused, as in every body. */
  entry: z.strictObject({
    id: z.string().max(64),
    start: z.iso.datetime({ offset: true }),
    projectId: z.string().max(64).nullable(),
    taskId: z.string().max(64).nullable(),
  }).nullable().optional(),
  /** The focused app or site, already filtered by the agent's exclusions. */
  app: z.strictObject({
    name: z.string().min(1).max(200),
    title: z.string().max(1000).nullable(),
    url: z.string().max(2048).nullable(),
  }).nullable().optional(),
});
export type HeartbeatActivity = z.infer<typeof HeartbeatActivity>;
