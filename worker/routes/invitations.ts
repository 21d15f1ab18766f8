import { createRoute, z } from "@hono/zod-openapi";
import { EmailSchema, RoleSchema } from "../contract/common";
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, resendInvitation, revokeInvitation } from "../services/invitations";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, requirePrincipal, WorkspaceParams, workspaceAndId } from "./_shared";

export const invitationRoutes = newRouter();
const tags = ["invitations"];
const Params = workspaceAndId("invitationId");
const TokenParams = z.object({ token: z.string().min(20).max(200).openapi({ param: { name: "token", in: "path" } }) });

const Invitation = z.object({
  id: z.string(), email: z.string(), role: RoleSchema, status: z.enum(["pending", "accepted", "revoked", "expired"]),
  createdAt: z.number(), expiresAt: z.number(), lastSentAt: z.number(), sentCount: z.number(), acceptedAt: z.number().nullable(), revokedAt: z.number().nullable(),
}).openapi("Invitation");

invitationRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/invitations", tags, security: bearerSecurity, summary: "Invitations (pending by default)",
    request: { params: WorkspaceParams, query: z.object({ status: z.enum(["pending", "all"]).default("pending") }) },
    responses: { 200: json(z.object({ items: z.array(Invitation) })), ...errorResponses } }),
  async (c) => c.json({ items: await listInvitations(c.get("ctx"), await requireActor(c), c.req.valid("query").status) }, 200),
);

invitationRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/invitations", tags, security: bearerSecurity,
    summary: "Invite someone by email with a role (link valid 7 days, single use)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({ email: EmailSchema, role: RoleSchema })) },
    responses: { 201: json(Invitation, "Created"), ...errorResponses } }),
  async (c) => c.json(await createInvitation(c.get("ctx"), await requireActor(c), c.req.valid("json")), 201),
);

invitationRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/invitations/{invitationId}/resend", tags, security: bearerSecurity,
    summary: "Send a fresh link (the previous one stops working)", request: { params: Params }, responses: { 200: json(Invitation), ...errorResponses } }),
  async (c) => c.json(await resendInvitation(c.get("ctx"), await requireActor(c), c.req.valid("param").invitationId), 200),
);

invitationRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/invitations/{invitationId}", tags, security: bearerSecurity,
    summary: "Revoke an invitation", request: { params: Params }, responses: { 200: json(Invitation), ...errorResponses } }),
  async (c) => c.json(await revokeInvitation(c.get("ctx"), await requireActor(c), c.req.valid("param").invitationId), 200),
);

invitationRoutes.openapi(
  createRoute({ method: "get", path: "/invitations/{token}", tags, summary: "What an invitation link is for (workspace, role, status)",
    request: { params: TokenParams },
    responses: { 200: json(z.object({ workspaceName: z.string(), email: z.string(), role: RoleSchema, status: z.string(), expiresAt: z.number() })), ...errorResponses } }),
  async (c) => c.json(await previewInvitation(c.get("ctx"), c.req.valid("param").token), 200),
);

invitationRoutes.openapi(
  createRoute({ method: "post", path: "/invitations/{token}/accept", tags, security: bearerSecurity,
    summary: "Accept an invitation (signed in with the invited email)", request: { params: TokenParams },
    responses: { 200: json(z.object({ workspaceId: z.string(), memberId: z.string(), role: RoleSchema })), ...errorResponses } }),
  async (c) => c.json(await acceptInvitation(c.get("ctx"), requirePrincipal(c), c.req.valid("param").token), 200),
);
