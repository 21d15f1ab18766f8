import { createRoute, z } from "@hono/zod-openapi";
import { NameSchema, RoleSchema, TimeZoneSchema } from "../contract/common";
import { createWorkspace, deleteWorkspace, getWorkspace, listMyWorkspaces, transferOwnership, updateWorkspace } from "../services/workspaces";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, requirePrincipal, WorkspaceParams } from "./_shared";

export const workspaceRoutes = newRouter();
const tags = ["workspaces"];

const WorkspaceSummary = z.object({ id: z.string(), name: z.string(), role: RoleSchema, memberId: z.string(), require2fa: z.boolean() }).openapi("WorkspaceSummary");
const Workspace = z.object({
  id: z.string(), name: z.string(), timeZone: z.string(), require2fa: z.boolean(), managersSeeScreenshots: z.boolean(),
  managersSeeApps: z.boolean(), createdAt: z.number(), memberCount: z.number(), myRole: RoleSchema, myMemberId: z.string(),
}).openapi("Workspace");

workspaceRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces", tags, security: bearerSecurity, summary: "Workspaces I belong to, with my role in each",
    responses: { 200: json(z.object({ items: z.array(WorkspaceSummary) })), ...errorResponses } }),
  async (c) => c.json({ items: await listMyWorkspaces(c.get("ctx"), requirePrincipal(c)) }, 200),
);

workspaceRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces", tags, security: bearerSecurity, summary: "Create a workspace (the caller becomes its owner)",
    request: { body: jsonBody(z.strictObject({ name: NameSchema, timeZone: TimeZoneSchema.optional() })) },
    responses: { 201: json(z.object({ id: z.string(), name: z.string(), timeZone: z.string(), memberId: z.string(), role: RoleSchema }), "Created"), ...errorResponses } }),
  async (c) => c.json(await createWorkspace(c.get("ctx"), requirePrincipal(c), c.req.valid("json")), 201),
);

workspaceRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}", tags, security: bearerSecurity, summary: "Workspace details",
    request: { params: WorkspaceParams }, responses: { 200: json(Workspace), ...errorResponses } }),
  async (c) => c.json(await getWorkspace(c.get("ctx"), await requireActor(c)), 200),
);

workspaceRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}", tags, security: bearerSecurity,
    summary: "Update settings (owner/executive) and owner-only toggles (require 2FA, managers see screenshots / apps)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({
      name: NameSchema.optional(), timeZone: TimeZoneSchema.optional(), require2fa: z.boolean().optional(),
      managersSeeScreenshots: z.boolean().optional(), managersSeeApps: z.boolean().optional(),
    })) },
    responses: { 200: json(Workspace), ...errorResponses } }),
  async (c) => c.json(await updateWorkspace(c.get("ctx"), await requireActor(c), c.req.valid("json")), 200),
);

workspaceRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/transfer-ownership", tags, security: bearerSecurity,
    summary: "Make another member an owner; unless stayOwner, the caller becomes an executive manager",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({ memberId: z.string().max(64), stayOwner: z.boolean().default(false) })) },
    responses: { 204: { description: "Done" }, ...errorResponses } }),
  async (c) => {
    await transferOwnership(c.get("ctx"), await requireActor(c), c.req.valid("json"));
    return c.body(null, 204);
  },
);

workspaceRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}", tags, security: bearerSecurity,
    summary: "Delete the workspace and everything in it (owners only; confirm with its exact name)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({ confirmName: z.string().max(200) })) },
    responses: { 204: { description: "Deleted" }, ...errorResponses } }),
  async (c) => {
    await deleteWorkspace(c.get("ctx"), await requireActor(c), c.req.valid("json").confirmName);
    return c.body(null, 204);
  },
);
