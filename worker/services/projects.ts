/**
 * Projects, optionally under a client (issue #2, section 3). Owners and executives create and
 * change them. A project manager may rename and recolour the projects they manage, and staff them
 * and run their tasks (projectMembers.ts, tasks.ts), but the business decisions stay with owners and
 * executives: which client a project is for, whether it is billable, and archiving it
 * (docs/decisions/0005-archive-not-delete.md). Everyone else reads the projects they are assigned to.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import type { Scope } from "../authz/permissions";
import { requireScope } from "../authz/policy";
import { clientsWhere, projectsWhere, writableProjectsWhere } from "../authz/scope";
import { clients, projectMembers, projects, type ProjectRole } from "../db/schema";
import { newId, UUID_RE } from "../db/ids";
import { badRequest, conflict, forbidden, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import type { ServiceContext } from "./context";
import { afterNameCursor, byName, pageSize, sortKey, toNamePage, type PageQuery } from "./pagination";
import { archiveAction, archivedAtAfter, notFoundField, withUniqueName } from "./structureRules";

export interface Project {
  id: string;
  name: string;
  clientId: string | null;
  clientName: string | null;
  color: string;
  billable: boolean;
  createdAt: number;
  archivedAt: number | null;
  /** The caller's role on this project, if they are assigned to it. */
  myRole: ProjectRole | null;
}

// The caller's project role comes from a correlated subquery so lists stay one query.
const projectColumns = (a: Actor) => ({
  id: projects.id, name: projects.name, clientId: projects.clientId, clientName: clients.name, color: projects.color,
  billable: projects.billable, createdAt: projects.createdAt, archivedAt: projects.archivedAt,
  myRole: sql<ProjectRole | null>`(select ${projectMembers.role} from ${projectMembers} where ${projectMembers.projectId} = ${projects.id} and ${projectMembers.memberId} = ${a.member.id})`,
});

export interface ListProjectsQuery extends PageQuery {
  includeArchived?: boolean;
  clientId?: string;
}

export async function listProjects(ctx: ServiceContext, actor: Actor, q: ListProjectsQuery) {
  const scope = requireScope(actor, "projects", "read");
  const size = pageSize(q.limit);
  const rows = await ctx.db.select({ ...projectColumns(actor), sortKey: sortKey(projects.name) }).from(projects)
    .leftJoin(clients, eq(clients.id, projects.clientId))
    .where(and(
      projectsWhere(actor, scope),
      q.includeArchived ? undefined : isNull(projects.archivedAt),
      q.clientId ? eq(projects.clientId, q.clientId) : undefined,
      afterNameCursor(projects.name, projects.id, q.cursor),
    ))
    .orderBy(...byName(projects.name, projects.id)).limit(size + 1);
  return toNamePage(rows, size);
}

/** A project the caller may see, or 404 (foreign and out-of-scope ids alike). */
export async function getProject(ctx: ServiceContext, actor: Actor, projectId: string): Promise<Project> {
  if (!UUID_RE.test(projectId)) throw notFound("project");
  const [project] = await ctx.db.select(projectColumns(actor)).from(projects).leftJoin(clients, eq(clients.id, projects.clientId))
    .where(and(projectsWhere(actor), eq(projects.id, projectId)));
  if (!project) throw notFound("project");
  return project;
}

/**
 * The write check for things inside a project (its settings, members, tasks): with scope "all" any
 * project of the workspace; with scope "project" only the ones the caller manages (checked in SQL).
 * Callers have already shown the project is visible, so failing here is a 403, not a 404.
 */
export async function assertMayChangeProject(ctx: ServiceContext, actor: Actor, scope: Scope, projectId: string): Promise<void> {
  if (scope === "all") return;
  const [row] = await ctx.db.select({ id: projects.id }).from(projects).where(and(writableProjectsWhere(actor, scope), eq(projects.id, projectId)));
  if (!row) throw forbidden("not_project_manager", "Only this project's managers, owners and executive managers can change it.");
}

/** A client id from the input: in the caller's workspace and scope (else 404 naming the field), not archived. */
async function usableClient(ctx: ServiceContext, actor: Actor, clientId: string): Promise<string> {
  if (!UUID_RE.test(clientId)) throw notFoundField("clientId", "client");
  const [client] = await ctx.db.select({ id: clients.id, archivedAt: clients.archivedAt }).from(clients)
    .where(and(clientsWhere(actor), eq(clients.id, clientId)));
  if (!client) throw notFoundField("clientId", "client");
  if (client.archivedAt !== null) {
    throw conflict("client_archived", "This client is archived; unarchive it before adding projects to it.", [{ field: "clientId", code: "client_archived", message: "Archived client." }]);
  }
  return client.id;
}

export interface CreateProjectInput {
  name: string;
  clientId?: string | null;
  color?: string;
  billable?: boolean;
}

export async function createProject(ctx: ServiceContext, actor: Actor, input: CreateProjectInput): Promise<Project> {
  requireScope(actor, "projects", "create");
  const clientId = input.clientId ? await usableClient(ctx, actor, input.clientId) : null;
  const id = newId();
  const ws = actor.workspace.id;
  await withUniqueName("project", ctx.db.insert(projects)
    .values({ id, workspaceId: ws, clientId, name: input.name, color: input.color, billable: input.billable, createdAt: ctx.now() }));
  await appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action: "project.created", targetType: "project", targetId: id, data: { name: input.name, clientId } });
  return getProject(ctx, actor, id);
}

export interface UpdateProjectInput {
  name?: string;
  color?: string;
  clientId?: string | null;
  billable?: boolean;
  archived?: boolean;
}

/** Fields only a workspace-wide project editor (owner, executive) may change. */
const RESTRICTED_FIELDS = ["clientId", "billable", "archived"] as const;
const EDITABLE_FIELDS = ["name", "color", "clientId", "billable"] as const;

export async function updateProject(ctx: ServiceContext, actor: Actor, projectId: string, input: UpdateProjectInput): Promise<Project> {
  const project = await getProject(ctx, actor, projectId);
  const scope = requireScope(actor, "projects", "update");
  await assertMayChangeProject(ctx, actor, scope, project.id);
  const restricted = RESTRICTED_FIELDS.filter((f) => input[f] !== undefined);
  if (scope !== "all" && restricted.length) {
    throw forbidden("project_field_restricted", "Project managers may rename and recolour their projects; only owners and executive managers change the client, billing or archive state.");
  }
  // Archiving is our form of deletion, so it takes the delete permission (ADR 0005).
  if (input.archived !== undefined) requireScope(actor, "projects", "delete");
  if (Object.values(input).every((v) => v === undefined)) throw badRequest("nothing_to_update", "No fields to update.");

  const changes: Partial<typeof projects.$inferInsert> = {};
  if (input.name !== undefined && input.name !== project.name) changes.name = input.name;
  if (input.color !== undefined && input.color !== project.color) changes.color = input.color;
  if (input.billable !== undefined && input.billable !== project.billable) changes.billable = input.billable;
  if (input.clientId !== undefined && input.clientId !== project.clientId) {
    changes.clientId = input.clientId === null ? null : await usableClient(ctx, actor, input.clientId);
  }
  if (input.archived !== undefined) changes.archivedAt = archivedAtAfter(project.archivedAt, input.archived, ctx.now());
  if (!Object.keys(changes).length) return project;

  const ws = actor.workspace.id;
  const updated = await withUniqueName("project", ctx.db.update(projects).set(changes)
    .where(and(eq(projects.id, project.id), eq(projects.workspaceId, ws))).returning({ id: projects.id }));
  if (!updated.length) throw notFound("project"); // gone since we read it (its workspace was deleted)

  const audit = (action: string, data?: Record<string, unknown>) =>
    appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action, targetType: "project", targetId: project.id, data });
  const edited = EDITABLE_FIELDS.filter((k) => changes[k] !== undefined);
  if (edited.length) {
    await audit("project.updated", {
      from: Object.fromEntries(edited.map((k) => [k, project[k]])),
      to: Object.fromEntries(edited.map((k) => [k, changes[k]])),
    });
  }
  const archiving = archiveAction("project", project.archivedAt, changes.archivedAt === undefined ? project.archivedAt : changes.archivedAt);
  if (archiving) await audit(archiving);
  return getProject(ctx, actor, project.id);
}
