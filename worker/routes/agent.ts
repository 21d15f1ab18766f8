/**
 * The desktop agent's endpoints. Apart from registration (public, throttled) they accept only a
 * device token (`Authorization: Bearer wtd_…`), never a user's access token or cookies; and a device
 * token is never accepted as a user token elsewhere (the session middleware does not recognise it).
 * Each device is rate limited per endpoint (429 with Retry-After).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../http/problem";
import { emailField, passwordField } from "../services/auth/fields";
import { agentSettings, matchesIfNoneMatch } from "../services/tracking/agentSettings";
import { registerDevice, type DeviceCredentials } from "../services/tracking/deviceRegistration";
import { authenticateAgent, authenticateAgentForIngest, bearerToken } from "../services/tracking/agentAuth";
import type { DevicePrincipal } from "../services/tracking/devices";
import { HEARTBEAT_STATES, recordHeartbeat } from "../services/tracking/heartbeat";
import { AGENT_LIMITS, type RateLimit } from "../services/tracking/rateLimit";
import { uploadBatch } from "../services/tracking/batches";
import { IngestEnvelope, IngestResponse, MAX_BATCH_ITEMS } from "../contract/agent";
import { AgentSettings } from "../contract/agentSettings";
import { HeartbeatActivity } from "../contract/live";
import { errorResponses, json, jsonBody, newRouter, type AppContext } from "./_shared";

export const agentRoutes = newRouter();
const tags = ["agent"];

agentRoutes.openAPIRegistry.registerComponent("securitySchemes", "deviceToken", {
  type: "http", scheme: "bearer", bearerFormat: "wtd_ device token", description: "The token from POST /agent/register",
});
const deviceSecurity = [{ deviceToken: [] }];

/** The calling device counted against `limit` (401, 429). Only the Authorization header counts: an agent holds no cookies. */
export const requireDevice = (c: AppContext, limit: RateLimit): Promise<DevicePrincipal> =>
  authenticateAgent(c.get("ctx"), bearerToken(c.req.header("authorization")), limit);

const DeviceInfo = z.strictObject({
  name: z.string().trim().min(1).max(100).openapi({ example: "Ada's laptop" }),
  os: z.string().trim().min(1).max(100).openapi({ example: "macOS 15.2" }),
  agentVersion: z.string().trim().min(1).max(40).openapi({ example: "1.0.0" }),
});

const RegisterBody = z.strictObject({
  code: z.string().trim().min(8).max(16).optional().openapi({ description: "One-time code from the web app (POST /workspaces/{id}/devices/code)" }),
  email: emailField.optional(),
  password: passwordField.optional(),
  totpCode: z.string().trim().min(6).max(32).optional().openapi({ description: "Authenticator code or recovery code, when the account has two-factor" }),
  workspaceId: z.string().uuid().optional().openapi({ description: "Required with email and password; with a code, checked against the code's workspace" }),
  device: DeviceInfo,
}).superRefine((b, ctx) => {
  if (b.code !== undefined) {
    for (const f of ["email", "password", "totpCode"] as const) {
      if (b[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: "Send either a code or email and password, not both." });
    }
    return;
  }
  for (const f of ["email", "password", "workspaceId"] as const) {
    if (b[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "Required when no code is sent." });
  }
});
type RegisterBody = z.infer<typeof RegisterBody>;

/** The body has passed the refinement above, so exactly one credential shape is complete. */
function credentialsOf(b: RegisterBody): DeviceCredentials {
  if (b.code !== undefined) return { code: b.code, workspaceId: b.workspaceId };
  return { email: b.email ?? "", password: b.password ?? "", totpCode: b.totpCode, workspaceId: b.workspaceId ?? "" };
}

const Registered = z.object({
  deviceId: z.string(),
  deviceToken: z.string().openapi({ description: "Shown once. Send as `Authorization: Bearer …` to the agent endpoints." }),
  workspaceId: z.string(),
  memberId: z.string(),
}).openapi("RegisteredDevice");

agentRoutes.openapi(
  createRoute({ method: "post", path: "/agent/register", tags,
    summary: "Sign a desktop agent in and get its device token",
    description: "With a one-time `code`, or with `email`, `password` (+ `totpCode` when the account has two-factor; 401 `two_factor_code_required` says so) and `workspaceId`. Wrong credentials count towards the sign-in throttle (429 `too_many_attempts`); every attempt counts towards a per-address limit (429 `rate_limited`). Wrong, expired or used codes answer 401 `invalid_device_code`. Project viewers record no time and get 403 `devices_not_allowed`.",
    request: { body: jsonBody(RegisterBody) },
    responses: { 201: json(Registered, "Signed in"), ...errorResponses } }),
  async (c) => {
    const body = c.req.valid("json");
    return c.json(await registerDevice(c.get("ctx"), credentialsOf(body), body.device), 201);
  },
);

agentRoutes.openapi(
  createRoute({ method: "get", path: "/agent/settings", tags, security: deviceSecurity,
    summary: "What this device should record: settings, the rules for its member and the projects they may record time on",
    description: "Send the ETag of the last answer as If-None-Match: 304 while nothing changed. The tag changes with every settings or rules change, when the member's teams change, and when the project list changes (a project or task created, renamed, archived or completed; a project's client renamed or changed; the member joining or leaving a project).",
    responses: {
      200: { ...json(AgentSettings), headers: { ETag: { schema: { type: "string" } } } },
      304: { description: "Not modified" },
      ...errorResponses,
    } }),
  async (c) => {
    const device = await requireDevice(c, AGENT_LIMITS.settings);
    const { etag, body } = await agentSettings(c.get("ctx"), device);
    c.header("ETag", etag);
    c.header("Cache-Control", "private, no-cache");
    if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304);
    return c.json(body, 200);
  },
);

// Strict like every body: an unknown key is a 422, also inside `entry` and `app` (strict in the contract).
const HeartbeatBody = z.strictObject({
  at: z.iso.datetime({ offset: true }).openapi({ description: "The agent's clock (ISO 8601)", example: "2026-01-05T09:30:00Z" }),
  state: z.enum(HEARTBEAT_STATES),
  ...HeartbeatActivity.shape,
});

agentRoutes.openapi(
  createRoute({ method: "post", path: "/agent/heartbeat", tags, security: deviceSecurity,
    summary: "Presence for the live board: the device is alive and tracking, idle or stopped, on which entry and in which app",
    description: "Send it on every state change and about once a minute. Stamped with the server's receive time; the answer tells the agent its clock offset. `entry` (the running timer, or null when stopped) must name a project and task the member may record time on (422 `unknown_project` / `unknown_task` on `entry.projectId` / `entry.taskId`); its start is moved by the clock offset. `app` goes through the workspace's privacy rules like a usage span: an excluded app, site or title keyword, or a workspace that records no apps, shows no app (not an error); titles only where the workspace captures them; URLs reduced to scheme, host and path. Omitting `entry` or `app` keeps what the board knows; null clears it. After the workspace's `offlineAfterSeconds` without a heartbeat the member shows offline.",
    request: { body: jsonBody(HeartbeatBody) },
    responses: { 200: json(z.object({ receivedAt: z.number(), clockOffsetMs: z.number() }).openapi("HeartbeatReceipt")), ...errorResponses } }),
  async (c) => {
    // The ingest gate: besides the device, the privacy rules and the member's recordable projects (one D1 round trip).
    const { at, ...activity } = c.req.valid("json");
    const named = activity.entry?.projectId ? [activity.entry.projectId] : [];
    const gate = await authenticateAgentForIngest(c.get("ctx"), bearerToken(c.req.header("authorization")), AGENT_LIMITS.heartbeat, named);
    return c.json(await recordHeartbeat(c.get("ctx"), gate, { ...activity, at: Date.parse(at) }), 200);
  },
);

/**
 * The project ids a batch's items name (entries, idle reassignments), read before the items are
 * parsed: the gate checks exactly these, and the object rejects an item whose project is not among
 * the ones the gate found, so an id that is not a string here is simply not looked up.
 */
function namedProjectIds(items: unknown[]): string[] {
  const ids = new Set<string>();
  for (const item of items.slice(0, MAX_BATCH_ITEMS)) {
    if (typeof item === "object" && item !== null && "projectId" in item && typeof item.projectId === "string") ids.add(item.projectId.slice(0, 64));
  }
  return [...ids];
}

agentRoutes.openapi(
  createRoute({ method: "post", path: "/agent/batches", tags, security: deviceSecurity,
    summary: "Upload recorded items (time entries, 10-minute slots, app/site usage, idle decisions). Idempotent per item id: re-sending any part of a batch any number of times leaves the same stored state and the same answers. Valid items are stored even when a neighbour is rejected. Limits: 500 items, 1 MB (413); 60 batches a minute per device (429)",
    // The item cap is checked in the handler so that an oversized batch is a 413, like an oversized body.
    request: { body: jsonBody(IngestEnvelope.extend({ items: z.array(z.unknown()) }).openapi("IngestBatch")) },
    responses: { 200: json(IngestResponse.openapi("IngestResponse")), ...errorResponses } }),
  async (c) => {
    const ctx = c.get("ctx");
    const batch = c.req.valid("json");
    const gate = await authenticateAgentForIngest(ctx, bearerToken(c.req.header("authorization")), AGENT_LIMITS.batch, namedProjectIds(batch.items));
    if (batch.items.length > MAX_BATCH_ITEMS) {
      throw new AppError(413, "batch_too_many_items", `A batch holds at most ${MAX_BATCH_ITEMS} items; split it.`);
    }
    return c.json(await uploadBatch(ctx, gate, batch), 200);
  },
);
