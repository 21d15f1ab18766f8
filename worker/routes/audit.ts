import { createRoute, z } from "@hono/zod-openapi";
import { listAudit, verifyWorkspaceChain } from "../services/audit";
import { bearerSecurity, errorResponses, json, newRouter, requireActor, WorkspaceParams } from "./_shared";

export const auditRoutes = newRouter();
const tags = ["audit"];

const Entry = z.object({
  id: z.string(), seq: z.number(), at: z.number(), actorUserId: z.string().nullable(), actorName: z.string().nullable(), action: z.string(), targetType: z.string().nullable(),
  targetId: z.string().nullable(), ip: z.string().nullable(), data: z.unknown(), prevHash: z.string(), hash: z.string(),
}).openapi("AuditEntry");

auditRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/audit", tags, security: bearerSecurity,
    summary: "Audit log, newest first (owners and executive managers)",
    request: { params: WorkspaceParams, query: z.object({
      action: z.string().max(64).optional(), actorUserId: z.string().max(64).optional(), targetId: z.string().max(64).optional(),
      from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional(),
      cursor: z.string().regex(/^\d{1,12}$/).optional(), limit: z.coerce.number().int().min(1).max(200).default(50),
    }) },
    responses: { 200: json(z.object({ items: z.array(Entry), nextCursor: z.string().nullable() })), ...errorResponses } }),
  async (c) => {
    const q = c.req.valid("query");
    return c.json(await listAudit(c.get("ctx"), await requireActor(c), { ...q, beforeSeq: q.cursor ? Number(q.cursor) : undefined }), 200);
  },
);

auditRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/audit/verify", tags, security: bearerSecurity,
    summary: "Recompute the hash chain and report the first broken link, if any",
    request: { params: WorkspaceParams },
    responses: { 200: json(z.object({ ok: z.boolean(), checked: z.number(), brokenAtSeq: z.number().optional(), reason: z.string().optional() })), ...errorResponses } }),
  async (c) => c.json(await verifyWorkspaceChain(c.get("ctx"), await requireActor(c)), 200),
);
