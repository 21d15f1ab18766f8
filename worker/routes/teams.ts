import { createRoute, z } from "@hono/zod-openapi";
import { RoleSchema } from "../contract/common";
import { createTeam, deleteTeam, getTeam, listTeams, removeTeamMember, setTeamMember, updateTeam } from "../services/teams";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";
import { Archived, ListQuery, NameSchema, pageOf } from "./_structure";

export const teamRoutes = newRouter();
const tags = ["teams"];
const TeamParams = workspaceAndId("teamId");
const TeamMemberParams = TeamParams.extend({ memberId: z.string().max(64).openapi({ param: { name: "memberId", in: "path" } }) });

const Team = z.object({ id: z.string(), name: z.string(), createdAt: z.number(), archivedAt: z.number().nullable() }).openapi("Team");
const TeamMember = z.object({
  memberId: z.string(), displayName: z.string(), role: RoleSchema, status: z.enum(["active", "deactivated"]), isManager: z.boolean(),
}).openapi("TeamMember");
const TeamDetail = Team.extend({ members: z.array(TeamMember).openapi({ description: "Only the members the caller may see" }) }).openapi("TeamDetail");

teamRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/teams", tags, security: bearerSecurity,
    summary: "Teams visible to the caller (owners/executives: all; others: teams they belong to)",
    request: { params: WorkspaceParams, query: ListQuery }, responses: { 200: json(pageOf(Team)), ...errorResponses } }),
  async (c) => c.json(await listTeams(c.get("ctx"), await requireActor(c), c.req.valid("query")), 200),
);

teamRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/teams", tags, security: bearerSecurity, summary: "Create a team (owners, executives)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({ name: NameSchema })) },
    responses: { 201: json(Team, "Created"), ...errorResponses } }),
  async (c) => c.json(await createTeam(c.get("ctx"), await requireActor(c), c.req.valid("json")), 201),
);

teamRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/teams/{teamId}", tags, security: bearerSecurity, summary: "A team with its members",
    request: { params: TeamParams }, responses: { 200: json(TeamDetail), ...errorResponses } }),
  async (c) => c.json(await getTeam(c.get("ctx"), await requireActor(c), c.req.valid("param").teamId), 200),
);

teamRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/teams/{teamId}", tags, security: bearerSecurity, summary: "Rename, archive or restore a team",
    request: { params: TeamParams, body: jsonBody(z.strictObject({ name: NameSchema.optional(), archived: Archived.optional() })) },
    responses: { 200: json(Team), ...errorResponses } }),
  async (c) => c.json(await updateTeam(c.get("ctx"), await requireActor(c), c.req.valid("param").teamId, c.req.valid("json")), 200),
);

teamRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/teams/{teamId}", tags, security: bearerSecurity,
    summary: "Delete a team and its memberships (teams hold no tracked history)",
    request: { params: TeamParams }, responses: { 204: { description: "Deleted" }, ...errorResponses } }),
  async (c) => {
    await deleteTeam(c.get("ctx"), await requireActor(c), c.req.valid("param").teamId);
    return c.body(null, 204);
  },
);

teamRoutes.openapi(
  createRoute({ method: "put", path: "/workspaces/{workspaceId}/teams/{teamId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Add a member to a team or set whether they manage it (managers must be owners, executives or team managers)",
    request: { params: TeamMemberParams, body: jsonBody(z.strictObject({ isManager: z.boolean().default(false) })) },
    responses: { 200: json(TeamMember.extend({ teamId: z.string(), added: z.boolean() })), ...errorResponses } }),
  async (c) => {
    const { teamId, memberId } = c.req.valid("param");
    return c.json(await setTeamMember(c.get("ctx"), await requireActor(c), teamId, memberId, c.req.valid("json")), 200);
  },
);

teamRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/teams/{teamId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Remove a member from a team", request: { params: TeamMemberParams }, responses: { 204: { description: "Removed" }, ...errorResponses } }),
  async (c) => {
    const { teamId, memberId } = c.req.valid("param");
    await removeTeamMember(c.get("ctx"), await requireActor(c), teamId, memberId);
    return c.body(null, 204);
  },
);
