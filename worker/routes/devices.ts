/**
 * Desktop agents of a workspace, seen from the web and API side: a one-time sign-in code for one's
 * own agent, the devices list (own devices; owners and executives: all) and revocation. The agent's
 * own endpoints (register, settings, heartbeat) are in agent.ts.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { UUID_RE } from "../db/ids";
import { issueDeviceCode } from "../services/tracking/deviceRegistration";
import { listDevices, revokeDevice } from "../services/tracking/devices";
import { LimitSchema } from "../contract/common";
import { bearerSecurity, errorResponses, json, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";
import { QueryFlag } from "./_structure";

export const deviceRoutes = newRouter();
const tags = ["devices"];

const Device = z.object({
  id: z.string(), memberId: z.string(), memberName: z.string(), name: z.string(), os: z.string().nullable(),
  agentVersion: z.string().nullable(), createdAt: z.number(), lastSeenAt: z.number().nullable(),
  lastIp: z.string().nullable().openapi({ description: "Client address of the device's latest request" }),
  revokedAt: z.number().nullable(),
  expiresAt: z.number().openapi({ description: "When the device token stops working unless the device is heard from again (90 days after it was last seen); epoch ms" }),
}).openapi("Device");

const DeviceQuery = z.object({
  includeRevoked: QueryFlag,
  memberId: z.string().regex(UUID_RE, "Not a member id.").optional(),
  cursor: z.string().max(64).optional().openapi({ description: "nextCursor of the previous page" }),
  limit: LimitSchema,
});

deviceRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/devices/code", tags, security: bearerSecurity,
    summary: "A one-time code to sign in your own desktop agent",
    description: "8 characters (Crockford base32; shown once, valid 10 minutes, single use). Type it into the agent, which sends it to POST /agent/register. Members who record time (not project viewers).",
    request: { params: WorkspaceParams },
    responses: { 201: json(z.object({ code: z.string(), expiresAt: z.number() }), "Created"), ...errorResponses } }),
  async (c) => c.json(await issueDeviceCode(c.get("ctx"), await requireActor(c)), 201),
);

deviceRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/devices", tags, security: bearerSecurity,
    summary: "Signed-in agents, newest first (own devices; owners and executives: all)",
    request: { params: WorkspaceParams, query: DeviceQuery },
    responses: { 200: json(z.object({ items: z.array(Device), nextCursor: z.string().nullable() })), ...errorResponses } }),
  async (c) => c.json(await listDevices(c.get("ctx"), await requireActor(c), c.req.valid("query")), 200),
);

deviceRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/devices/{deviceId}", tags, security: bearerSecurity,
    summary: "Revoke a device: its token stops working at once (own devices; owners and executives: any); audited as device.revoked",
    request: { params: workspaceAndId("deviceId") }, responses: { 204: { description: "Revoked" }, ...errorResponses } }),
  async (c) => {
    await revokeDevice(c.get("ctx"), await requireActor(c), c.req.valid("param").deviceId);
    return c.body(null, 204);
  },
);
