/**
 * Teams: groups of members with team managers (issue #2, section 3). Owners and executives change
 * them; everyone else reads the teams they belong to (authz/scope.ts teamsWhere). Teams hold no
 * tracked history, so besides archiving they may be deleted outright
 * (docs/decisions/0005-archive-not-delete.md). Team members are listed within the caller's member
 * scope, so an employee sees their teams but not who else is in them.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { requireScope } from "../authz/policy";
import { membersWhere, teamsWhere } from "../authz/scope";
import { members, teamMembers, teams } from "../db/schema";
import { newId, UUID_RE } from "../db/ids";
import { badRequest, conflict, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import { queueLiveRefresh } from "./live/rescope";
import type { ServiceContext } from "./context";
import { afterNameCursor, byName, pageSize, sortKey, toNamePage, type PageQuery } from "./pagination";
import { archiveAction, archivedAtAfter, resolveActiveMember, TEAM_MANAGER_ROLES, withUniqueName } from "./structureRules";

const teamColumns = { id: teams.id, name: teams.name, createdAt: teams.createdAt, archivedAt: teams.archivedAt };
export type Team = { id: string; name: string; createdAt: number; archivedAt: number | null };

export interface ListQuery extends PageQuery {
  includeArchived?: boolean;
}

export async function listTeams(ctx: ServiceContext, actor: Actor, q: ListQuery) {
  const scope = requireScope(actor, "teams", "read");
  const size = pageSize(q.limit);
  const rows = await ctx.db.select({ ...teamColumns, sortKey: sortKey(teams.name) }).from(teams)
    .where(and(teamsWhere(actor, scope), q.includeArchived ? undefined : isNull(teams.archivedAt), afterNameCursor(teams.name, teams.id, q.cursor)))
    .orderBy(...byName(teams.name, teams.id)).limit(size + 1);
  return toNamePage(rows, size);
}

/** A team the caller may see, or 404 (foreign and out-of-scope ids alike). */
async function visibleTeam(ctx: ServiceContext, actor: Actor, teamId: string): Promise<Team> {
  if (!UUID_RE.test(teamId)) throw notFound("team");
  const [team] = await ctx.db.select(teamColumns).from(teams).where(and(teamsWhere(actor), eq(teams.id, teamId)));
  if (!team) throw notFound("team");
  return team;
}

/** The team's members that the caller may see (authz member scope applied in SQL). */
export async function listTeamMembers(ctx: ServiceContext, actor: Actor, teamId: string) {
  return ctx.db.select({ memberId: members.id, displayName: members.displayName, role: members.role, status: members.status, isManager: teamMembers.isManager })
    .from(teamMembers).innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(and(eq(teamMembers.teamId, teamId), membersWhere(actor)))
    .orderBy(asc(members.displayName), asc(members.id));
}

export async function getTeam(ctx: ServiceContext, actor: Actor, teamId: string) {
  const team = await visibleTeam(ctx, actor, teamId);
  return { ...team, members: await listTeamMembers(ctx, actor, team.id) };
}

export async function createTeam(ctx: ServiceContext, actor: Actor, input: { name: string }): Promise<Team> {
  requireScope(actor, "teams", "create");
  const id = newId();
  const ws = actor.workspace.id;
  await withUniqueName("team", ctx.db.insert(teams).values({ id, workspaceId: ws, name: input.name, createdAt: ctx.now() }));
  await appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action: "team.created", targetType: "team", targetId: id, data: { name: input.name } });
  return visibleTeam(ctx, actor, id);
}

export interface UpdateTeamInput {
  name?: string;
  archived?: boolean;
}

export async function updateTeam(ctx: ServiceContext, actor: Actor, teamId: string, input: UpdateTeamInput): Promise<Team> {
  const team = await visibleTeam(ctx, actor, teamId);
  requireScope(actor, "teams", "update");
  // Archiving is our form of deletion, so it takes the delete permission (ADR 0005).
  if (input.archived !== undefined) requireScope(actor, "teams", "delete");
  if (input.name === undefined && input.archived === undefined) throw badRequest("nothing_to_update", "No fields to update.");
  const changes: Partial<typeof teams.$inferInsert> = {};
  if (input.name !== undefined && input.name !== team.name) changes.name = input.name;
  if (input.archived !== undefined) changes.archivedAt = archivedAtAfter(team.archivedAt, input.archived, ctx.now());
  if (!Object.keys(changes).length) return team;
  const ws = actor.workspace.id;
  const updated = await withUniqueName("team", ctx.db.update(teams).set(changes)
    .where(and(eq(teams.id, team.id), eq(teams.workspaceId, ws))).returning({ id: teams.id }));
  if (!updated.length) throw notFound("team"); // deleted since we read it
  const audit = (action: string, data?: Record<string, unknown>) =>
    appendAudit(ctx, { chain: ws, actorUserId: actor.userId, action, targetType: "team", targetId: team.id, data });
  if (changes.name) await audit("team.renamed", { from: team.name, to: changes.name });
  const archiving = archiveAction("team", team.archivedAt, changes.archivedAt === undefined ? team.archivedAt : changes.archivedAt);
  if (archiving) await audit(archiving);
  return visibleTeam(ctx, actor, team.id);
}

/** Hard delete: memberships go with it (cascade); nothing tracked refers to a team. */
export async function deleteTeam(ctx: ServiceContext, actor: Actor, teamId: string): Promise<void> {
  const team = await visibleTeam(ctx, actor, teamId);
  requireScope(actor, "teams", "delete");
  await ctx.db.delete(teams).where(and(eq(teams.id, team.id), eq(teams.workspaceId, actor.workspace.id)));
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "team.deleted", targetType: "team", targetId: team.id, data: { name: team.name } });
  queueLiveRefresh(ctx, actor.workspace.id);
}

/**
 * Adds a member to a team or changes whether they manage it (PUT semantics). Only workspace roles
 * that may lead a team can be its manager; anyone else is refused with `team_manager_not_allowed`.
 */
export async function setTeamMember(ctx: ServiceContext, actor: Actor, teamId: string, memberId: string, input: { isManager: boolean }) {
  const team = await visibleTeam(ctx, actor, teamId);
  requireScope(actor, "teams", "update");
  const member = await resolveActiveMember(ctx, actor, memberId);
  if (input.isManager && !TEAM_MANAGER_ROLES.includes(member.role)) {
    throw conflict("team_manager_not_allowed", "Only owners, executive managers and team managers can manage a team. Change the member's workspace role first.", [
      { field: "isManager", code: "team_manager_not_allowed", message: "This member's workspace role cannot manage a team." },
    ]);
  }
  const [before] = await ctx.db.select({ isManager: teamMembers.isManager }).from(teamMembers)
    .where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.memberId, member.id)));
  await ctx.db.insert(teamMembers).values({ teamId: team.id, memberId: member.id, isManager: input.isManager })
    .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.memberId], set: { isManager: input.isManager } });
  if (!before || before.isManager !== input.isManager) {
    await appendAudit(ctx, {
      chain: actor.workspace.id, actorUserId: actor.userId, action: before ? "team.manager_changed" : "team.member_added",
      targetType: "team", targetId: team.id, data: { memberId: member.id, isManager: input.isManager },
    });
    queueLiveRefresh(ctx, actor.workspace.id);
  }
  return { teamId: team.id, memberId: member.id, displayName: member.displayName, role: member.role, status: member.status, isManager: input.isManager, added: !before };
}

export async function removeTeamMember(ctx: ServiceContext, actor: Actor, teamId: string, memberId: string): Promise<void> {
  const team = await visibleTeam(ctx, actor, teamId);
  requireScope(actor, "teams", "update");
  // The team belongs to the caller's workspace, so a foreign member id simply matches no row: 404.
  const removed = await ctx.db.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.memberId, memberId)))
    .returning({ memberId: teamMembers.memberId });
  if (!removed.length) throw notFound("team member");
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "team.member_removed", targetType: "team", targetId: team.id, data: { memberId } });
  queueLiveRefresh(ctx, actor.workspace.id);
}
