/**
 * Tasks under projects (issue #2, section 3): open or done, archived rather than deleted because
 * tracked time refers to them (ADR 0005). Owners and executives change any task; project managers
 * the tasks of projects they manage; everyone assigned to a project reads its tasks. A project the
 * caller cannot see answers 404 whatever their role; one they see but do not manage answers 403.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { requireScope } from "../authz/policy";
import { tasksWhere } from "../authz/scope";
import { tasks } from "../db/schema";
import { newId, UUID_RE } from "../db/ids";
import { badRequest, conflict, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import type { ServiceContext } from "./context";
import { afterNameCursor, byName, pageSize, sortKey, toNamePage, type PageQuery } from "./pagination";
import { assertMayChangeProject, getProject } from "./projects";
import { archiveAction, archivedAtAfter, withUniqueName } from "./structureRules";

export type TaskStatus = "open" | "done";
const taskColumns = {
  id: tasks.id, projectId: tasks.projectId, name: tasks.name, status: tasks.status, createdAt: tasks.createdAt, archivedAt: tasks.archivedAt,
};
export type Task = { id: string; projectId: string; name: string; status: TaskStatus; createdAt: number; archivedAt: number | null };

export interface ListTasksQuery extends PageQuery {
  includeArchived?: boolean;
  status?: TaskStatus;
}

export async function listProjectTasks(ctx: ServiceContext, actor: Actor, projectId: string, q: ListTasksQuery) {
  const project = await getProject(ctx, actor, projectId);
  const size = pageSize(q.limit);
  const rows = await ctx.db.select({ ...taskColumns, sortKey: sortKey(tasks.name) }).from(tasks)
    .where(and(
      tasksWhere(actor),
      eq(tasks.projectId, project.id),
      q.includeArchived ? undefined : isNull(tasks.archivedAt),
      q.status ? eq(tasks.status, q.status) : undefined,
      afterNameCursor(tasks.name, tasks.id, q.cursor),
    ))
    .orderBy(...byName(tasks.name, tasks.id)).limit(size + 1);
  return toNamePage(rows, size);
}

/** A task the caller may see, or 404 (foreign and out-of-scope ids alike). */
export async function getTask(ctx: ServiceContext, actor: Actor, taskId: string): Promise<Task> {
  if (!UUID_RE.test(taskId)) throw notFound("task");
  const [task] = await ctx.db.select(taskColumns).from(tasks).where(and(tasksWhere(actor), eq(tasks.id, taskId)));
  if (!task) throw notFound("task");
  return task;
}

export async function createTask(ctx: ServiceContext, actor: Actor, projectId: string, input: { name: string }): Promise<Task> {
  const project = await getProject(ctx, actor, projectId);
  await assertMayChangeProject(ctx, actor, requireScope(actor, "tasks", "create"), project.id);
  if (project.archivedAt !== null) throw conflict("project_archived", "This project is archived; unarchive it before adding tasks.");
  const id = newId();
  await withUniqueName("task in this project", ctx.db.insert(tasks)
    .values({ id, workspaceId: actor.workspace.id, projectId: project.id, name: input.name, createdAt: ctx.now() }));
  await appendAudit(ctx, {
    chain: actor.workspace.id, actorUserId: actor.userId, action: "task.created", targetType: "task", targetId: id,
    data: { projectId: project.id, name: input.name },
  });
  return getTask(ctx, actor, id);
}

export interface UpdateTaskInput {
  name?: string;
  status?: TaskStatus;
  archived?: boolean;
}

export async function updateTask(ctx: ServiceContext, actor: Actor, taskId: string, input: UpdateTaskInput): Promise<Task> {
  const task = await getTask(ctx, actor, taskId);
  await assertMayChangeProject(ctx, actor, requireScope(actor, "tasks", "update"), task.projectId);
  // Archiving is our form of deletion, so it takes the delete permission (ADR 0005).
  if (input.archived !== undefined) await assertMayChangeProject(ctx, actor, requireScope(actor, "tasks", "delete"), task.projectId);
  if (Object.values(input).every((v) => v === undefined)) throw badRequest("nothing_to_update", "No fields to update.");

  const changes: Partial<typeof tasks.$inferInsert> = {};
  if (input.name !== undefined && input.name !== task.name) changes.name = input.name;
  if (input.status !== undefined && input.status !== task.status) changes.status = input.status;
  if (input.archived !== undefined) changes.archivedAt = archivedAtAfter(task.archivedAt, input.archived, ctx.now());
  if (!Object.keys(changes).length) return task;

  const updated = await withUniqueName("task in this project", ctx.db.update(tasks).set(changes)
    .where(and(eq(tasks.id, task.id), eq(tasks.workspaceId, actor.workspace.id))).returning({ id: tasks.id }));
  if (!updated.length) throw notFound("task"); // gone since we read it (its workspace was deleted)

  const audit = (action: string, data?: Record<string, unknown>) =>
    appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action, targetType: "task", targetId: task.id, data: { projectId: task.projectId, ...data } });
  if (changes.name) await audit("task.renamed", { from: task.name, to: changes.name });
  if (changes.status) await audit(changes.status === "done" ? "task.completed" : "task.reopened");
  const archiving = archiveAction("task", task.archivedAt, changes.archivedAt === undefined ? task.archivedAt : changes.archivedAt);
  if (archiving) await audit(archiving);
  return getTask(ctx, actor, task.id);
}
