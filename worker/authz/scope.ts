/**
 * Scope -> SQL. Each function returns a WHERE condition for one table, always including the
 * workspace, so foreign-workspace ids and out-of-scope rows are simply not found (404).
 * Scope is applied in SQL, never by filtering rows after a query.
 */
import { and, eq, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { clients, devices, members, projectMembers, projects, teamMembers, teams, tasks } from "../db/schema";
import type { Actor } from "./actor";
import type { Scope } from "./permissions";
import { readScope } from "./policy";

const me = (a: Actor) => a.member.id;

/** Projects the actor is assigned to in any project role (member, manager, viewer). */
export const assignedProjectIds = (a: Actor) =>
  sql`(select ${projectMembers.projectId} from ${projectMembers} where ${projectMembers.memberId} = ${me(a)})`;

/** Projects the actor manages. */
export const managedProjectIds = (a: Actor) =>
  sql`(select ${projectMembers.projectId} from ${projectMembers} where ${projectMembers.memberId} = ${me(a)} and ${projectMembers.role} = 'manager')`;

/** Members of teams the actor manages. */
export const managedTeamMemberIds = (a: Actor) =>
  sql`(select tm.member_id from ${teamMembers} tm join ${teamMembers} mgr on mgr.team_id = tm.team_id where mgr.member_id = ${me(a)} and mgr.is_manager = 1)`;

/** Members assigned to projects the actor manages. */
export const managedProjectMemberIds = (a: Actor) =>
  sql`(select pm.member_id from ${projectMembers} pm where pm.project_id in ${managedProjectIds(a)})`;

export function membersWhere(a: Actor, scope: Scope = readScope(a, "members", "member")): SQL {
  const ws = eq(members.workspaceId, a.workspace.id);
  switch (scope) {
    case "all": return ws;
    case "team": return and(ws, or(eq(members.id, me(a)), sql`${members.id} in ${managedTeamMemberIds(a)}`))!;
    case "project": return and(ws, or(eq(members.id, me(a)), sql`${members.id} in ${managedProjectMemberIds(a)}`))!;
    default: return and(ws, eq(members.id, me(a)))!;
  }
}

export function teamsWhere(a: Actor, scope: Scope = readScope(a, "teams", "team")): SQL {
  const ws = eq(teams.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  // team / own: teams the actor belongs to (managers are rows in team_members with is_manager = 1).
  return and(ws, sql`${teams.id} in (select team_id from ${teamMembers} where member_id = ${me(a)})`)!;
}

export function projectsWhere(a: Actor, scope: Scope = readScope(a, "projects", "project")): SQL {
  const ws = eq(projects.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  return and(ws, sql`${projects.id} in ${assignedProjectIds(a)}`)!;
}

/** Projects the actor may change (settings, members): all, or the ones they manage. */
export function writableProjectsWhere(a: Actor, scope: Scope): SQL {
  const ws = eq(projects.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  if (scope === "project") return and(ws, sql`${projects.id} in ${managedProjectIds(a)}`)!;
  return sql`0`;
}

export function clientsWhere(a: Actor, scope: Scope = readScope(a, "clients", "client")): SQL {
  const ws = eq(clients.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  return and(ws, sql`${clients.id} in (select client_id from ${projects} where client_id is not null and id in ${assignedProjectIds(a)})`)!;
}

export function tasksWhere(a: Actor, scope: Scope = readScope(a, "tasks", "task")): SQL {
  const ws = eq(tasks.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  return and(ws, sql`${tasks.projectId} in ${assignedProjectIds(a)}`)!;
}

/** Desktop agents: all of the workspace's, or the actor's own. */
export function devicesWhere(a: Actor, scope: Scope = readScope(a, "devices", "device")): SQL {
  const ws = eq(devices.workspaceId, a.workspace.id);
  if (scope === "all") return ws;
  return and(ws, eq(devices.memberId, me(a)))!;
}

/* ------------------------------------------------------------------------------------------------
 * Tracking records (time, activity, apps). The Workspace object knows no roles: these give the
 * member and project sets the Worker resolves here and passes to it (DESIGN.md, "Access control").
 * ---------------------------------------------------------------------------------------------- */

/**
 * Projects whose time a "project"-scoped reader sees: the ones they manage, or for project viewers
 * the ones they are assigned to (permissions.ts, scope `project`).
 */
export const projectScopeIds = (a: Actor) => (a.member.role === "project_viewer" ? assignedProjectIds(a) : managedProjectIds(a));

/**
 * SQL boolean: does a tracking `scope` (time/activity/apps read) reach the member in `memberId`?
 * team: self and members of managed teams; project: self and members assigned to a project of
 * projectScopeIds (their records are then limited to those projects by the caller); own: self.
 */
export function coversMember(a: Actor, scope: Scope | null, memberId: SQLWrapper): SQL {
  switch (scope) {
    case "all": return sql`1`;
    case "team": return sql`(${memberId} = ${me(a)} or ${memberId} in ${managedTeamMemberIds(a)})`;
    case "project":
      return sql`(${memberId} = ${me(a)} or ${memberId} in (select pm.member_id from ${projectMembers} pm where pm.project_id in ${projectScopeIds(a)}))`;
    case "own": return sql`${memberId} = ${me(a)}`;
    default: return sql`0`;
  }
}

/** Projects a member may record time on: assigned as member or manager, not archived. */
export function trackableProjectsWhere(workspaceId: string, memberId: string): SQL {
  return and(
    eq(projects.workspaceId, workspaceId),
    sql`${projects.archivedAt} is null`,
    sql`${projects.id} in (select project_id from ${projectMembers} where member_id = ${memberId} and role in ('member', 'manager'))`,
  )!;
}
