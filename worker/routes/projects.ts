import { createRoute, z } from "@hono/zod-openapi";
import { RoleSchema } from "../contract/common";
import { PROJECT_ROLES } from "../db/schema";
import { listProjectMembers, removeProjectMember, setProjectMember } from "../services/projectMembers";
import { createProject, getProject, listProjects, updateProject } from "../services/projects";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";
import { Archived, ListQuery, NameSchema, pageOf } from "./_structure";

export const projectRoutes = newRouter();
const tags = ["projects"];
const ProjectParams = workspaceAndId("projectId");
const ProjectMemberParams = ProjectParams.extend({ memberId: z.string().max(64).openapi({ param: { name: "memberId", in: "path" } }) });

const ProjectRoleSchema = z.enum(PROJECT_ROLES).openapi({ description: "Role on the project" });
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #4f46e5.").openapi({ example: "#4f46e5" });
const ClientRef = z.string().max(64).nullable().openapi({ description: "A client of this workspace, or null for none" });

const Project = z.object({
  id: z.string(), name: z.string(), clientId: z.string().nullable(), clientName: z.string().nullable(), color: z.string(), billable: z.boolean(),
  createdAt: z.number(), archivedAt: z.number().nullable(), myRole: ProjectRoleSchema.nullable(),
}).openapi("Project");
const ProjectMember = z.object({
  memberId: z.string(), displayName: z.string(), workspaceRole: RoleSchema, status: z.enum(["active", "deactivated"]), projectRole: ProjectRoleSchema,
}).openapi("ProjectMember");

projectRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/projects", tags, security: bearerSecurity,
    summary: "Projects visible to the caller (owners/executives: all; others: projects they are assigned to)",
    request: { params: WorkspaceParams, query: ListQuery.extend({ clientId: z.string().max(64).optional() }) },
    responses: { 200: json(pageOf(Project)), ...errorResponses } }),
  async (c) => c.json(await listProjects(c.get("ctx"), await requireActor(c), c.req.valid("query")), 200),
);

projectRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/projects", tags, security: bearerSecurity, summary: "Create a project (owners, executives)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({
      name: NameSchema, clientId: ClientRef.optional(), color: Color.optional(), billable: z.boolean().optional(),
    })) },
    responses: { 201: json(Project, "Created"), ...errorResponses } }),
  async (c) => c.json(await createProject(c.get("ctx"), await requireActor(c), c.req.valid("json")), 201),
);

projectRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/projects/{projectId}", tags, security: bearerSecurity, summary: "One project",
    request: { params: ProjectParams }, responses: { 200: json(Project), ...errorResponses } }),
  async (c) => c.json(await getProject(c.get("ctx"), await requireActor(c), c.req.valid("param").projectId), 200),
);

projectRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/projects/{projectId}", tags, security: bearerSecurity,
    summary: "Update a project. Project managers may change name and color of projects they manage; client, billable and archived need an owner or executive",
    request: { params: ProjectParams, body: jsonBody(z.strictObject({
      name: NameSchema.optional(), color: Color.optional(), clientId: ClientRef.optional(), billable: z.boolean().optional(), archived: Archived.optional(),
    })) },
    responses: { 200: json(Project), ...errorResponses } }),
  async (c) => c.json(await updateProject(c.get("ctx"), await requireActor(c), c.req.valid("param").projectId, c.req.valid("json")), 200),
);

projectRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/projects/{projectId}/members", tags, security: bearerSecurity,
    summary: "The project's members that the caller may see, with their project roles",
    request: { params: ProjectParams }, responses: { 200: json(z.object({ items: z.array(ProjectMember) })), ...errorResponses } }),
  async (c) => c.json({ items: await listProjectMembers(c.get("ctx"), await requireActor(c), c.req.valid("param").projectId) }, 200),
);

projectRoutes.openapi(
  createRoute({ method: "put", path: "/workspaces/{workspaceId}/projects/{projectId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Add a member to a project or change their project role (project viewers only as viewer; managers must be project managers, executives or owners)",
    request: { params: ProjectMemberParams, body: jsonBody(z.strictObject({ role: ProjectRoleSchema })) },
    responses: { 200: json(ProjectMember.omit({ status: true }).extend({ projectId: z.string(), added: z.boolean() })), ...errorResponses } }),
  async (c) => {
    const { projectId, memberId } = c.req.valid("param");
    return c.json(await setProjectMember(c.get("ctx"), await requireActor(c), projectId, memberId, c.req.valid("json")), 200);
  },
);

projectRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/projects/{projectId}/members/{memberId}", tags, security: bearerSecurity,
    summary: "Remove a member from a project", request: { params: ProjectMemberParams }, responses: { 204: { description: "Removed" }, ...errorResponses } }),
  async (c) => {
    const { projectId, memberId } = c.req.valid("param");
    await removeProjectMember(c.get("ctx"), await requireActor(c), projectId, memberId);
    return c.body(null, 204);
  },
);
