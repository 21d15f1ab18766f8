/**
 * The live board's names directory (issue 5). Board rows on the WebSocket carry ids only, so the
 * page loads the names it may show once, from D1, through the same authz scopes that decide which
 * rows the viewer receives:
 * - members: those the viewer's time reach can ever show (all; self + managed teams; self + members
 *   assigned to the projects a project-scoped reader covers; self), with the ids of their teams;
 * - projects (with client name) and tasks those members may appear on;
 * - teams for the filter: the teams the viewer may read.
 * Everything is filtered in SQL (scope.ts subqueries); nothing is filtered after a query.
 */
import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import type { LiveScope } from "../../contract/live";
import { can, readScope } from "../../authz/policy";
import type { Scope } from "../../authz/permissions";
import { assignedProjectIds, coversMember, teamsWhere } from "../../authz/scope";
import { clients, members, projectMembers, projects, tasks, teamMembers, teams } from "../../db/schema";
import type { ServiceContext } from "../context";

export interface LiveDirectoryMember {
  id: string;
  name: string;
  /** Ids of the member's teams among `teams` (the filter), never of teams the viewer may not read. */
  teamIds: string[];
}

export interface LiveDirectory {
  members: LiveDirectoryMember[];
  projects: { id: string; name: string; clientName: string | null }[];
  tasks: { id: string; name: string; projectId: string }[];
  teams: { id: string; name: string }[];
}

/** Members the viewer's time reach covers (as a subquery, so it composes into the other reads). */
function reachableMemberIds(ctx: ServiceContext, actor: Actor, timeScope: Scope) {
  return ctx.db.select({ id: members.id }).from(members)
    .where(and(eq(members.workspaceId, actor.workspace.id), coversMember(actor, timeScope, members.id)));
}

/**
 * Projects a board row of those members may name. A project-scoped reader (project manager or
 * viewer) sees other members only while they are on a covered project, so only the projects the
 * reader is assigned to (a superset of the covered ones that includes their own) — never the other
 * projects of the people they see. Team and own readers see their members' time on any project.
 */
function reachableProjectsWhere(ctx: ServiceContext, actor: Actor, timeScope: Scope): SQL {
  const ws = eq(projects.workspaceId, actor.workspace.id);
  if (timeScope === "all") return ws;
  if (timeScope === "project") return and(ws, sql`${projects.id} in ${assignedProjectIds(actor)}`)!;
  const assigned = ctx.db.select({ id: projectMembers.projectId }).from(projectMembers)
    .where(inArray(projectMembers.memberId, reachableMemberIds(ctx, actor, timeScope)));
  return and(ws, inArray(projects.id, assigned))!;
}

/**
 * The directory for `actor`'s live board. Answers 404 (like every page the role may not open) when
 * the viewer may read no time at all, i.e. when their live scope is null.
 */
export async function liveDirectory(ctx: ServiceContext, actor: Actor): Promise<LiveDirectory> {
  const timeScope = readScope(actor, "time", "live board");
  const db = ctx.db;
  const memberIds = reachableMemberIds(ctx, actor, timeScope);
  const projectsWhere = reachableProjectsWhere(ctx, actor, timeScope);
  const projectIds = db.select({ id: projects.id }).from(projects).where(projectsWhere);
  // Readers without team access (project viewers) get no team filter and no team ids.
  const teamsVisible = can(actor, "teams", "read") ? and(teamsWhere(actor), isNull(teams.archivedAt))! : sql`0`;
  const teamIds = db.select({ id: teams.id }).from(teams).where(teamsVisible);

  // One round trip: D1 runs a batch as one request.
  const [memberRows, membershipRows, projectRows, taskRows, teamRows] = await db.batch([
    db.select({ id: members.id, name: members.displayName }).from(members)
      .where(inArray(members.id, memberIds)).orderBy(asc(members.displayName), asc(members.id)),
    db.select({ memberId: teamMembers.memberId, teamId: teamMembers.teamId }).from(teamMembers)
      .where(and(inArray(teamMembers.teamId, teamIds), inArray(teamMembers.memberId, memberIds))),
    // Aliased: D1's batch answers rows keyed by column name, and both tables call theirs "name".
    db.select({ id: projects.id, name: projects.name, clientName: sql<string | null>`${clients.name}`.as("client_name") }).from(projects)
      .leftJoin(clients, eq(clients.id, projects.clientId))
      .where(projectsWhere).orderBy(asc(projects.name)),
    db.select({ id: tasks.id, name: tasks.name, projectId: tasks.projectId }).from(tasks)
      .where(and(eq(tasks.workspaceId, actor.workspace.id), inArray(tasks.projectId, projectIds))),
    db.select({ id: teams.id, name: teams.name }).from(teams).where(teamsVisible).orderBy(asc(teams.name)),
  ]);

  const teamsOf = new Map<string, string[]>();
  for (const r of membershipRows) teamsOf.set(r.memberId, [...(teamsOf.get(r.memberId) ?? []), r.teamId]);
  return {
    members: memberRows.map((m) => ({ id: m.id, name: m.name, teamIds: teamsOf.get(m.id) ?? [] })),
    projects: projectRows,
    tasks: taskRows,
    teams: teamRows,
  };
}

/**
 * Which optional columns the board renders: those some row may carry under the viewer's live scope.
 * A column with no reach at all (a project viewer's activity, apps and screenshots) is left out,
 * not shown empty.
 */
export function liveColumns(scope: LiveScope): { activity: boolean; apps: boolean; screenshots: boolean } {
  return { activity: scope.activity !== null, apps: scope.apps !== null, screenshots: scope.screenshots !== null };
}
