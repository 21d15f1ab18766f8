/**
 * What a viewer of the live board may see (issue 5), resolved from D1 into the explicit sets the
 * Workspace object applies (worker/contract/live.ts: LiveScope; DESIGN.md: the object never decides
 * access). Each kind of data follows the viewer's tracking read scope from the permission table,
 * after the owner's privacy toggles (scopeFor):
 *   all     → every member;
 *   team    → self and members of the teams they manage (scope.ts managedTeamMemberIds);
 *   project → self, and whoever is currently on a project of projectScopeIds (managed projects, or
 *             for project viewers the projects they are assigned to);
 *   own     → self;
 *   none    → null (no time:read at all: may not open the board).
 *
 * Viewers are resolved in batches (rescoping every open socket after a staffing change): one query
 * for the viewers themselves, at most one for all team reaches and one for all project reaches,
 * whatever their number. The id lists travel as one JSON parameter (json_each), so D1's limit of
 * 100 bound parameters per statement never caps a batch.
 */
import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { LiveReach, LiveScope } from "../contract/live";
import type { Db } from "../db/client";
import { members, projectMembers, projects, teamMembers, users, workspaces, type Role } from "../db/schema";
import type { Actor } from "./actor";
import { scopeFor, type PrivacyToggles, type Resource, type Scope } from "./permissions";

/** The reaches of a scope, one per kind of data the board shows. */
const KINDS = ["time", "activity", "apps", "screenshots"] as const satisfies readonly Resource[];
type Kind = (typeof KINDS)[number];

/** Who is looking: enough to read the permission table. */
export interface LiveViewer {
  memberId: string;
  role: Role;
  toggles: PrivacyToggles;
}

/** The live scope of one actor (the route, on connect); null = may not open the board. */
export async function liveScope(db: Db, actor: Actor): Promise<LiveScope | null> {
  const viewer: LiveViewer = { memberId: actor.member.id, role: actor.member.role, toggles: actor.workspace };
  return (await resolveLiveScopes(db, actor.workspace.id, [viewer])).get(viewer.memberId) ?? null;
}

/**
 * The current live scope of each of these member ids, read afresh from D1 (rescoping open sockets):
 * null for ids that are no longer active members of the workspace, cannot pass its two-factor
 * requirement, or hold no time:read.
 */
export async function liveScopesOf(db: Db, workspaceId: string, memberIds: readonly string[]): Promise<Map<string, LiveScope | null>> {
  const out = new Map<string, LiveScope | null>(memberIds.map((id) => [id, null]));
  if (!memberIds.length) return out;
  const rows = await db.select({
    memberId: members.id, role: members.role, require2fa: workspaces.require2fa, totpEnabledAt: users.totpEnabledAt,
    managersSeeScreenshots: workspaces.managersSeeScreenshots, managersSeeApps: workspaces.managersSeeApps,
  }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.workspaceId, workspaceId), eq(members.status, "active"), sql`${members.id} in ${jsonIds(memberIds)}`));
  // Same rule as loadActor: a workspace requiring two-factor refuses members who have not enrolled.
  const viewers = rows.filter((r) => !(r.require2fa && r.totpEnabledAt === null)).map((r): LiveViewer => ({
    memberId: r.memberId, role: r.role,
    toggles: { managersSeeScreenshots: r.managersSeeScreenshots, managersSeeApps: r.managersSeeApps },
  }));
  for (const [id, scope] of await resolveLiveScopes(db, workspaceId, viewers)) out.set(id, scope);
  return out;
}

/** The scopes of viewers already known to be active members of the workspace. */
export async function resolveLiveScopes(db: Db, workspaceId: string, viewers: readonly LiveViewer[]): Promise<Map<string, LiveScope | null>> {
  const kinds = new Map(viewers.map((v) => [v.memberId, kindScopes(v)]));
  const needing = (s: Scope) => viewers.filter((v) => KINDS.some((k) => kinds.get(v.memberId)![k] === s)).map((v) => v.memberId);
  const [teamReach, projectReach] = await Promise.all([
    teamMembersOf(db, workspaceId, needing("team")),
    scopeProjectsOf(db, workspaceId, needing("project")),
  ]);
  const out = new Map<string, LiveScope | null>();
  for (const v of viewers) {
    const k = kinds.get(v.memberId)!;
    const reach = (s: Scope | null): LiveReach | null => reachOf(s, v.memberId, teamReach.get(v.memberId), projectReach.get(v.memberId));
    const time = reach(k.time);
    out.set(v.memberId, time === null ? null : {
      viewerMemberId: v.memberId, time, activity: reach(k.activity), apps: reach(k.apps), screenshots: reach(k.screenshots),
    });
  }
  return out;
}

function kindScopes(v: LiveViewer): Record<Kind, Scope | null> {
  const s = (k: Kind) => scopeFor(v.role, k, "read", v.toggles);
  return { time: s("time"), activity: s("activity"), apps: s("apps"), screenshots: s("screenshots") };
}

/** Sorted and without duplicates, so equal reaches serialize equally (the object groups sockets by scope). */
const idSet = (ids: Iterable<string>) => [...new Set(ids)].sort();

function reachOf(scope: Scope | null, self: string, team: string[] | undefined, projectIds: string[] | undefined): LiveReach | null {
  switch (scope) {
    case null: return null;
    case "all": return { all: true };
    case "team": return { all: false, memberIds: idSet([self, ...(team ?? [])]), projectIds: [] };
    case "project": return { all: false, memberIds: [self], projectIds: idSet(projectIds ?? []) };
    // own, and `assigned` (which no role holds for tracking data): the viewer's own row only.
    default: return { all: false, memberIds: [self], projectIds: [] };
  }
}

/** `(select value from json_each(?))`: a set of ids bound as ONE parameter. */
const jsonIds = (ids: readonly string[]) => sql`(select value from json_each(${JSON.stringify(ids)}))`;

/** viewer → members of the teams the viewer manages (scope.ts managedTeamMemberIds, for many viewers). */
async function teamMembersOf(db: Db, workspaceId: string, viewerIds: string[]): Promise<Map<string, string[]>> {
  if (!viewerIds.length) return new Map();
  const mgr = alias(teamMembers, "mgr");
  const rows = await db.select({ viewer: mgr.memberId, memberId: members.id }).from(mgr)
    .innerJoin(teamMembers, eq(teamMembers.teamId, mgr.teamId))
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(and(eq(mgr.isManager, true), sql`${mgr.memberId} in ${jsonIds(viewerIds)}`, eq(members.workspaceId, workspaceId)));
  return group(rows.map((r) => [r.viewer, r.memberId]));
}

/**
 * viewer → projects of their project scope (scope.ts projectScopeIds, for many viewers): the ones
 * they manage, or for project viewers every project they are assigned to.
 */
async function scopeProjectsOf(db: Db, workspaceId: string, viewerIds: string[]): Promise<Map<string, string[]>> {
  if (!viewerIds.length) return new Map();
  const rows = await db.select({ viewer: projectMembers.memberId, projectId: projects.id }).from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .innerJoin(members, eq(members.id, projectMembers.memberId))
    .where(and(
      eq(projects.workspaceId, workspaceId),
      sql`${projectMembers.memberId} in ${jsonIds(viewerIds)}`,
      sql`(${projectMembers.role} = 'manager' or ${members.role} = 'project_viewer')`,
    ));
  return group(rows.map((r) => [r.viewer, r.projectId]));
}

function group(pairs: [string, string][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = out.get(k);
    if (list) list.push(v); else out.set(k, [v]);
  }
  return out;
}
