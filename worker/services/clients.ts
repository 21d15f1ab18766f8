/**
 * Clients: whom projects are done for (issue #2, section 3). Owners and executives change them;
 * everyone else reads the clients of projects they are assigned to (authz/scope.ts clientsWhere).
 * Clients are archived, never deleted: reports of past time still name them (ADR 0005).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { requireScope } from "../authz/policy";
import { clientsWhere } from "../authz/scope";
import { clients } from "../db/schema";
import { newId, UUID_RE } from "../db/ids";
import { badRequest, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import type { ServiceContext } from "./context";
import { afterNameCursor, byName, pageSize, sortKey, toNamePage, type PageQuery } from "./pagination";
import { archiveAction, archivedAtAfter, withUniqueName } from "./structureRules";

const clientColumns = { id: clients.id, name: clients.name, createdAt: clients.createdAt, archivedAt: clients.archivedAt };
export type Client = { id: string; name: string; createdAt: number; archivedAt: number | null };

export async function listClients(ctx: ServiceContext, actor: Actor, q: PageQuery & { includeArchived?: boolean }) {
  const scope = requireScope(actor, "clients", "read");
  const size = pageSize(q.limit);
  const rows = await ctx.db.select({ ...clientColumns, sortKey: sortKey(clients.name) }).from(clients)
    .where(and(clientsWhere(actor, scope), q.includeArchived ? undefined : isNull(clients.archivedAt), afterNameCursor(clients.name, clients.id, q.cursor)))
    .orderBy(...byName(clients.name, clients.id)).limit(size + 1);
  return toNamePage(rows, size);
}

/** A client the caller may see, or 404 (foreign and out-of-scope ids alike). */
export async function getClient(ctx: ServiceContext, actor: Actor, clientId: string): Promise<Client> {
  if (!UUID_RE.test(clientId)) throw notFound("client");
  const [client] = await ctx.db.select(clientColumns).from(clients).where(and(clientsWhere(actor), eq(clients.id, clientId)));
  if (!client) throw notFound("client");
  return client;
}

export async function createClient(ctx: ServiceContext, actor: Actor, input: { name: string }): Promise<Client> {
  requireScope(actor, "clients", "create");
  const id = newId();
  const ws = actor.workspace.id;
  await withUniqueName("client", ctx.db.insert(clients).values({ id, workspaceId: ws, name: input.name, createdAt: ctx.now() }));
  await appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action: "client.created", targetType: "client", targetId: id, data: { name: input.name } });
  return getClient(ctx, actor, id);
}

export interface UpdateClientInput {
  name?: string;
  archived?: boolean;
}

export async function updateClient(ctx: ServiceContext, actor: Actor, clientId: string, input: UpdateClientInput): Promise<Client> {
  const client = await getClient(ctx, actor, clientId);
  requireScope(actor, "clients", "update");
  // Archiving is our form of deletion, so it takes the delete permission (ADR 0005).
  if (input.archived !== undefined) requireScope(actor, "clients", "delete");
  if (input.name === undefined && input.archived === undefined) throw badRequest("nothing_to_update", "No fields to update.");
  const changes: Partial<typeof clients.$inferInsert> = {};
  if (input.name !== undefined && input.name !== client.name) changes.name = input.name;
  if (input.archived !== undefined) changes.archivedAt = archivedAtAfter(client.archivedAt, input.archived, ctx.now());
  if (!Object.keys(changes).length) return client;
  const ws = actor.workspace.id;
  const updated = await withUniqueName("client", ctx.db.update(clients).set(changes)
    .where(and(eq(clients.id, client.id), eq(clients.workspaceId, ws))).returning({ id: clients.id }));
  if (!updated.length) throw notFound("client"); // gone since we read it (its workspace was deleted)
  const audit = (action: string, data?: Record<string, unknown>) =>
    appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action, targetType: "client", targetId: client.id, data });
  if (changes.name) await audit("client.renamed", { from: client.name, to: changes.name });
  const archiving = archiveAction("client", client.archivedAt, changes.archivedAt === undefined ? client.archivedAt : changes.archivedAt);
  if (archiving) await audit(archiving);
  return getClient(ctx, actor, client.id);
}
