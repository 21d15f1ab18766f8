/**
 * What an entry is about: its project and task, checked against D1 (the Workspace object knows no
 * projects). A member records time only on projects they are assigned to (as member or manager),
 * and a task only within its project. Anything else answers 404 naming the field, so ids of other
 * workspaces or projects the member cannot use are indistinguishable from ids that do not exist.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { trackableProjectsWhere } from "../../authz/scope";
import { projects, tasks } from "../../db/schema";
import { AppError } from "../../http/problem";
import type { ServiceContext } from "../context";

export interface WorkInput {
  projectId?: string | null;
  taskId?: string | null;
}

export interface Work {
  projectId: string | null;
  taskId: string | null;
  /** The project's billable default, when there is a project. */
  projectBillable: boolean | null;
}

const notFoundField = (field: "projectId" | "taskId", message: string) =>
  new AppError(404, "not_found", message, [{ field, code: "not_found", message }]);

/** Checks (and completes: a task implies its project) the project and task a member records time on. */
export async function resolveWork(ctx: ServiceContext, workspaceId: string, memberId: string, input: WorkInput): Promise<Work> {
  let projectId = input.projectId ?? null;
  const taskId = input.taskId ?? null;
  if (taskId !== null) {
    const [task] = await ctx.db.select({ projectId: tasks.projectId }).from(tasks)
      .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, taskId), isNull(tasks.archivedAt)));
    if (!task || (projectId !== null && task.projectId !== projectId)) throw notFoundField("taskId", "No such task in this project.");
    projectId = task.projectId;
  }
  if (projectId === null) return { projectId: null, taskId: null, projectBillable: null };
  const [project] = await ctx.db.select({ billable: projects.billable }).from(projects)
    .where(and(trackableProjectsWhere(workspaceId, memberId), eq(projects.id, projectId)));
  if (!project) throw notFoundField("projectId", "No such project, or you are not assigned to it.");
  return { projectId, taskId, projectBillable: project.billable };
}

/** Projects (with their open tasks) a member may record time on, for pickers. */
export async function trackableWork(ctx: ServiceContext, workspaceId: string, memberId: string) {
  const list = await ctx.db.select({ id: projects.id, name: projects.name, billable: projects.billable }).from(projects)
    .where(trackableProjectsWhere(workspaceId, memberId)).orderBy(projects.name).limit(500);
  const ids = list.map((p) => p.id);
  const openTasks: { id: string; name: string; projectId: string }[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    openTasks.push(...await ctx.db.select({ id: tasks.id, name: tasks.name, projectId: tasks.projectId }).from(tasks)
      .where(and(eq(tasks.workspaceId, workspaceId), inArray(tasks.projectId, ids.slice(i, i + 90)), isNull(tasks.archivedAt), eq(tasks.status, "open")))
      .orderBy(tasks.name).limit(1000));
  }
  return { projects: list, tasks: openTasks };
}

/** Names of the projects and tasks referenced by some entries (ids of this workspace only). */
export async function workNames(ctx: ServiceContext, workspaceId: string, refs: { projectId: string | null; taskId: string | null }[]) {
  const projectIds = [...new Set(refs.map((r) => r.projectId).filter((v): v is string => v !== null))];
  const taskIds = [...new Set(refs.map((r) => r.taskId).filter((v): v is string => v !== null))];
  const names = { projects: new Map<string, string>(), tasks: new Map<string, string>() };
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < projectIds.length; i += 90) {
    const rows = await ctx.db.select({ id: projects.id, name: projects.name }).from(projects)
      .where(and(eq(projects.workspaceId, workspaceId), inArray(projects.id, projectIds.slice(i, i + 90))));
    for (const r of rows) names.projects.set(r.id, r.name);
  }
  for (let i = 0; i < taskIds.length; i += 90) {
    const rows = await ctx.db.select({ id: tasks.id, name: tasks.name }).from(tasks)
      .where(and(eq(tasks.workspaceId, workspaceId), inArray(tasks.id, taskIds.slice(i, i + 90))));
    for (const r of rows) names.tasks.set(r.id, r.name);
  }
  return names;
}
