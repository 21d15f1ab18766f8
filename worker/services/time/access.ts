/**
 * Who may see whose tracking records, resolved in D1 by the authz module and handed to the Workspace
 * object as explicit sets (DESIGN.md: the object never decides access).
 *
 * For a viewer and a member:
 * - time:read must reach the member (self; team: managed teams; project: members of their projects;
 *   all), otherwise the member does not exist for the viewer (404);
 * - with a `project` scope on someone else, only entries on the viewer's projects are visible
 *   (a project manager sees nothing of what the person did on other projects), and activity / apps
 *   only where they overlap those entries;
 * - activity and apps/sites each follow their own scope (owner toggles may withhold apps from
 *   managers; project viewers hold neither).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import type { Scope } from "../../authz/permissions";
import { readScope, scopeOf } from "../../authz/policy";
import { coversMember, projectScopeIds } from "../../authz/scope";
import { members, projects } from "../../db/schema";
import { UUID_RE } from "../../db/ids";
import { AppError, forbidden, notFound } from "../../http/problem";
import type { StoredEntry } from "../../workspace/timeEntries";
import type { ServiceContext } from "../context";
import { workspaceObject } from "./object";

/** full: everything of the member; entries: only what overlaps a visible entry; none: withheld. */
export type Reach = "full" | "entries" | "none";

export interface TimeAccess {
  member: { id: string; displayName: string; timeZone: string };
  self: boolean;
  /** null: every entry of the member; otherwise only entries on these projects. */
  projectIds: string[] | null;
  activity: Reach;
  apps: Reach;
}

/** The viewer's reach over one member's records; 404 when time:read does not cover the member. */
export async function timeAccess(ctx: ServiceContext, actor: Actor, memberId: string): Promise<TimeAccess> {
  const timeScope = readScope(actor, "time", "member");
  if (!UUID_RE.test(memberId)) throw notFound("member");
  const activityScope = scopeOf(actor, "activity", "read");
  const appsScope = scopeOf(actor, "apps", "read");
  const [row] = await ctx.db.select({
    id: members.id, displayName: members.displayName, timeZone: members.timeZone,
    activity: sql<number>`${coversMember(actor, activityScope, members.id)}`,
    apps: sql<number>`${coversMember(actor, appsScope, members.id)}`,
  }).from(members)
    .where(and(eq(members.workspaceId, actor.workspace.id), eq(members.id, memberId), coversMember(actor, timeScope, members.id)));
  if (!row) throw notFound("member");

  const self = memberId === actor.member.id;
  const projectIds = timeScope === "project" && !self ? await scopedProjectIds(ctx, actor) : null;
  // Activity and usage never reach further than the entries do.
  const reach = (scope: Scope | null, covered: number): Reach =>
    !covered ? "none" : projectIds !== null || (scope === "project" && !self) ? "entries" : "full";
  return {
    member: { id: row.id, displayName: row.displayName, timeZone: row.timeZone },
    self,
    projectIds,
    activity: reach(activityScope, row.activity),
    apps: reach(appsScope, row.apps),
  };
}

/** The projects of a project-scoped viewer (archived ones included: their history stays visible). */
async function scopedProjectIds(ctx: ServiceContext, actor: Actor): Promise<string[]> {
  const rows = await ctx.db.select({ id: projects.id }).from(projects)
    .where(and(eq(projects.workspaceId, actor.workspace.id), sql`${projects.id} in ${projectScopeIds(actor)}`));
  return rows.map((r) => r.id);
}

/** A time entry the actor may see (anything else, including other workspaces' ids, is a 404). */
export async function visibleEntry(ctx: ServiceContext, actor: Actor, entryId: string): Promise<{ entry: StoredEntry; access: TimeAccess }> {
  readScope(actor, "time", "time entry");
  if (!UUID_RE.test(entryId)) throw notFound("time entry");
  const entry = await workspaceObject(ctx, actor.workspace.id).timeEntry(entryId);
  if (!entry) throw notFound("time entry");
  let access: TimeAccess;
  try {
    access = await timeAccess(ctx, actor, entry.memberId);
  } catch (e) {
    if (e instanceof AppError && e.status === 404) throw notFound("time entry");
    throw e;
  }
  if (access.projectIds !== null && (entry.projectId === null || !access.projectIds.includes(entry.projectId))) throw notFound("time entry");
  return { entry, access };
}

/** Changing an entry the actor can see: their own (time:update:own) or anyone's (time:update:all); else 403. */
export function assertMayEdit(actor: Actor, entry: StoredEntry) {
  const scope = scopeOf(actor, "time", "update");
  if (scope === "all" || (scope === "own" && entry.memberId === actor.member.id)) return;
  throw forbidden("time_entry_not_editable", "You can only change your own time entries.");
}

/** Members whose time the actor can open (for a picker): active ones within time:read, by name. */
export async function timeMembers(ctx: ServiceContext, actor: Actor): Promise<{ id: string; displayName: string }[]> {
  const scope = readScope(actor, "time", "member");
  return ctx.db.select({ id: members.id, displayName: members.displayName }).from(members)
    .where(and(eq(members.workspaceId, actor.workspace.id), eq(members.status, "active"), coversMember(actor, scope, members.id)))
    .orderBy(members.displayName).limit(500);
}
