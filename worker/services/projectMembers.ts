/**
 * Who works on a project and in which project role: member, manager or viewer (issue #2,
 * section 3). Owners and executives staff any project; project managers staff the projects they
 * manage (project_members:update:project). The project role must fit the workspace role:
 * - a project viewer (workspace role) can only be a project "viewer": they are read-only everywhere;
 * - a project "manager" must be a project manager, executive or owner in the workspace, since
 *   managing a project means changing its tasks and members, which other roles may not do.
 * Both are refused with 409 `project_role_not_allowed` naming the `role` field.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { requireScope } from "../authz/policy";
import { membersWhere } from "../authz/scope";
import { members, projectMembers, type ProjectRole, type Role } from "../db/schema";
import { conflict, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import { queueLiveRefresh } from "./live/rescope";
import type { ServiceContext } from "./context";
import { assertMayChangeProject, getProject } from "./projects";
import { PROJECT_MANAGER_ROLES, resolveActiveMember } from "./structureRules";

/** The project's members that the caller may see (authz member scope applied in SQL). */
export async function listProjectMembers(ctx: ServiceContext, actor: Actor, projectId: string) {
  const project = await getProject(ctx, actor, projectId);
  return ctx.db.select({
    memberId: members.id, displayName: members.displayName, workspaceRole: members.role, status: members.status, projectRole: projectMembers.role,
  }).from(projectMembers).innerJoin(members, eq(members.id, projectMembers.memberId))
    .where(and(eq(projectMembers.projectId, project.id), membersWhere(actor)))
    .orderBy(asc(members.displayName), asc(members.id));
}

/** Why `projectRole` cannot be given to a member with `workspaceRole`, or null when it can. */
export function projectRoleRefusal(workspaceRole: Role, projectRole: ProjectRole): string | null {
  if (workspaceRole === "project_viewer" && projectRole !== "viewer") {
    return "A project viewer can only be added to a project as a viewer.";
  }
  if (projectRole === "manager" && !PROJECT_MANAGER_ROLES.includes(workspaceRole)) {
    return "Only project managers, executive managers and owners can manage a project. Change the member's workspace role first.";
  }
  return null;
}

/** Adds a member to a project or changes their project role (PUT semantics). */
export async function setProjectMember(ctx: ServiceContext, actor: Actor, projectId: string, memberId: string, input: { role: ProjectRole }) {
  const project = await getProject(ctx, actor, projectId);
  await assertMayChangeProject(ctx, actor, requireScope(actor, "project_members", "update"), project.id);
  const member = await resolveActiveMember(ctx, actor, memberId);
  const refusal = projectRoleRefusal(member.role, input.role);
  if (refusal) throw conflict("project_role_not_allowed", refusal, [{ field: "role", code: "project_role_not_allowed", message: refusal }]);

  const [before] = await ctx.db.select({ role: projectMembers.role }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.memberId, member.id)));
  await ctx.db.insert(projectMembers).values({ projectId: project.id, memberId: member.id, role: input.role })
    .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.memberId], set: { role: input.role } });
  if (before?.role !== input.role) {
    await appendAudit(ctx, {
      chain: actor.workspace.id, actorUserId: actor.userId, action: before ? "project.member_role_changed" : "project.member_added",
      targetType: "project", targetId: project.id, data: { memberId: member.id, role: input.role, ...(before ? { from: before.role } : {}) },
    });
    queueLiveRefresh(ctx, actor.workspace.id);
  }
  return { projectId: project.id, memberId: member.id, displayName: member.displayName, workspaceRole: member.role, projectRole: input.role, added: !before };
}

export async function removeProjectMember(ctx: ServiceContext, actor: Actor, projectId: string, memberId: string): Promise<void> {
  const project = await getProject(ctx, actor, projectId);
  await assertMayChangeProject(ctx, actor, requireScope(actor, "project_members", "update"), project.id);
  // The project belongs to the caller's workspace, so a foreign member id simply matches no row: 404.
  const removed = await ctx.db.delete(projectMembers).where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.memberId, memberId)))
    .returning({ role: projectMembers.role });
  if (!removed.length) throw notFound("project member");
  await appendAudit(ctx, {
    chain: actor.workspace.id, actorUserId: actor.userId, action: "project.member_removed", targetType: "project", targetId: project.id,
    data: { memberId, role: removed[0]!.role },
  });
  queueLiveRefresh(ctx, actor.workspace.id);
}
