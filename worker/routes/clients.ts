import { createRoute, z } from "@hono/zod-openapi";
import { createClient, getClient, listClients, updateClient } from "../services/clients";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";
import { Archived, ListQuery, NameSchema, pageOf } from "./_structure";

export const clientRoutes = newRouter();
const tags = ["clients"];
const ClientParams = workspaceAndId("clientId");

const Client = z.object({ id: z.string(), name: z.string(), createdAt: z.number(), archivedAt: z.number().nullable() }).openapi("Client");

clientRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/clients", tags, security: bearerSecurity,
    summary: "Clients visible to the caller (owners/executives: all; others: clients of projects they are assigned to)",
    request: { params: WorkspaceParams, query: ListQuery }, responses: { 200: json(pageOf(Client)), ...errorResponses } }),
  async (c) => c.json(await listClients(c.get("ctx"), await requireActor(c), c.req.valid("query")), 200),
);

clientRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/clients", tags, security: bearerSecurity, summary: "Create a client (owners, executives)",
    request: { params: WorkspaceParams, body: jsonBody(z.strictObject({ name: NameSchema })) },
    responses: { 201: json(Client, "Created"), ...errorResponses } }),
  async (c) => c.json(await createClient(c.get("ctx"), await requireActor(c), c.req.valid("json")), 201),
);

clientRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/clients/{clientId}", tags, security: bearerSecurity, summary: "One client",
    request: { params: ClientParams }, responses: { 200: json(Client), ...errorResponses } }),
  async (c) => c.json(await getClient(c.get("ctx"), await requireActor(c), c.req.valid("param").clientId), 200),
);

clientRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/clients/{clientId}", tags, security: bearerSecurity,
    summary: "Rename, archive or restore a client (clients are never deleted: past time refers to them)",
    request: { params: ClientParams, body: jsonBody(z.strictObject({ name: NameSchema.optional(), archived: Archived.optional() })) },
    responses: { 200: json(Client), ...errorResponses } }),
  async (c) => c.json(await updateClient(c.get("ctx"), await requireActor(c), c.req.valid("param").clientId, c.req.valid("json")), 200),
);
