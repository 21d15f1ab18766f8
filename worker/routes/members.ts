import { createRoute, z } from "@hono/zod-openapi";
import { CursorSchema, LimitSchema, NameSchema, RoleSchema, TimeZoneSchema } from "../contract/common";
import { getMember, listMembers, removeMember, setMemberActive, updateMember } from "../services/members";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";

export const memberRoutes = newRouter();
const tags = ["members"];
const Params = workspaceAndId("memberId");

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM (24h).");
const WeeklySchedule = z.partialRecord(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), z.array(z.tuple([HHMM, HHMM])).max(4)).openapi("WeeklySchedule");

const Member = z.object({
  id: z.string(), userId: z.string(), email: z.string(), role: RoleSchema, status: z.enum(["active", "deactivated"]),
  displayName: z.string(), timeZone: z.string(), weeklySchedule: z.any().nullable(), joinedAt: z.number(), deactivatedAt: z.number().nullable(),
}).openapi("Member");

memberRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/members", tags, security: bearerSecurity,
    summary: "Members visible to the caller (owners/executives: all; team managers: their teams; employees: themselves)",
    request: { params: WorkspaceParams, query: z.object({ status: z.enum(["active", "deactivated", "all"]).default("active"), cursor: CursorSchema, limit: LimitSchema }) },
    responses: { 200: json(z.object({ items: z.array(Member), nextCursor: z.string().nullable() })), ...errorResponses } }),
  async (c) => c.json(await listMembers(c.get("ctx"), await requireActor(c), c.req.valid("query")), 200),
);

memberRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/members/{memberId}", tags, security: bearerSecurity, summary: "One member",
    request: { params: Params }, responses: { 200: json(Member), ...errorResponses } }),
  async (c) => c.json(await getMember(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId), 200),
);

memberRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Change a member's role (owners: any; executives: below owner) or profile (self, or owners/executives)",
    request: { params: Params, body: jsonBody(z.strictObject({
      role: RoleSchema.optional(), displayName: NameSchema.optional(), timeZone: TimeZoneSchema.optional(), weeklySchedule: WeeklySchedule.nullable().optional(),
    })) },
    responses: { 200: json(Member), ...errorResponses } }),
  async (c) => c.json(await updateMember(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId, c.req.valid("json")), 200),
);

for (const [suffix, active] of [["deactivate", false], ["reactivate", true]] as const) {
  memberRoutes.openapi(
    createRoute({ method: "post", path: `/workspaces/{workspaceId}/members/{memberId}/${suffix}`, tags, security: bearerSecurity,
      summary: active ? "Reactivate a member" : "Deactivate a member: their workspace access and devices end at once",
      request: { params: Params }, responses: { 200: json(Member), ...errorResponses } }),
    async (c) => c.json(await setMemberActive(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId, active), 200),
  );
}

memberRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Remove a member from the workspace", request: { params: Params }, responses: { 204: { description: "Removed" }, ...errorResponses } }),
  async (c) => {
    await removeMember(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId);
    return c.body(null, 204);
  },
);
