/**
 * Members of a workspace: list and read within the caller's scope, change roles (owners any role,
 * executives anything below owner), edit profiles, deactivate / reactivate / remove. A member who is
 * cut off loses access at once (memberAccess.ts).
 */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { assignableRoles } from "../authz/permissions";
import { can, requireScope } from "../authz/policy";
import { membersWhere } from "../authz/scope";
import { members, users, type Role } from "../db/schema";
import { UUID_RE } from "../db/ids";
import { badRequest, forbidden, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import type { ServiceContext } from "./context";
import { queueLiveRefresh } from "./live/rescope";
import { revokeMemberAccess } from "./memberAccess";
import { assertNotLastOwner } from "./workspaces";

const memberColumns = {
  id: members.id, userId: members.userId, role: members.role, status: members.status, displayName: members.displayName,
  timeZone: members.timeZone, weeklySchedule: members.weeklySchedule, joinedAt: members.joinedAt, deactivatedAt: members.deactivatedAt,
  email: users.email,
};

export interface ListMembersInput {
  status?: "active" | "deactivated" | "all";
  cursor?: string;
  limit: number;
}

export async function listMembers(ctx: ServiceContext, actor: Actor, q: ListMembersInput) {
  const where = [membersWhere(actor)];
  if (q.status !== "all") where.push(eq(members.status, q.status ?? "active"));
  if (q.cursor) where.push(gt(members.id, q.cursor));
  const rows = await ctx.db.select(memberColumns).from(members).innerJoin(users, eq(users.id, members.userId))
    .where(and(...where)).orderBy(asc(members.id)).limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
}

export async function getMember(ctx: ServiceContext, actor: Actor, memberId: string) {
  if (!UUID_RE.test(memberId)) throw notFound("member");
  const [row] = await ctx.db.select(memberColumns).from(members).innerJoin(users, eq(users.id, members.userId))
    .where(and(membersWhere(actor), eq(members.id, memberId)));
  if (!row) throw notFound("member");
  return row;
}

async function ownerCount(ctx: ServiceContext, workspaceId: string) {
  const [r] = await ctx.db.select({ n: sql<number>`count(*)` }).from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.role, "owner"), eq(members.status, "active")));
  return r?.n ?? 0;
}

/** Executives manage everyone below owner; only owners touch owners (PRODUCT.md role table). */
function assertMayManage(actor: Actor, target: { role: Role }) {
  requireScope(actor, "members", "update");
  if (target.role === "owner" && !can(actor, "owners", "manage")) throw forbidden("owner_protected", "Only an owner can change another owner.");
}

export interface UpdateMemberInput {
  role?: Role;
  displayName?: string;
  timeZone?: string;
  weeklySchedule?: Record<string, [string, string][]> | null;
}

export async function updateMember(ctx: ServiceContext, actor: Actor, memberId: string, input: UpdateMemberInput) {
  const target = await getMember(ctx, actor, memberId);
  const changes: Partial<typeof members.$inferInsert> = {};
  if (input.role !== undefined && input.role !== target.role) {
    assertMayManage(actor, target);
    if (!assignableRoles(actor.member.role).includes(input.role)) throw forbidden("role_not_assignable", "Your role cannot grant that role.");
    if (target.role === "owner") assertNotLastOwner(await ownerCount(ctx, actor.workspace.id));
    changes.role = input.role;
  }
  const profile = input.displayName !== undefined || input.timeZone !== undefined || input.weeklySchedule !== undefined;
  if (profile) {
    const self = target.id === actor.member.id;
    if (!(self ? can(actor, "profile", "update") : requireScope(actor, "profile", "update") === "all")) throw forbidden();
    if (!self && target.role === "owner" && !can(actor, "owners", "manage")) throw forbidden("owner_protected", "Only an owner can change another owner.");
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.timeZone !== undefined) changes.timeZone = input.timeZone;
    if (input.weeklySchedule !== undefined) changes.weeklySchedule = input.weeklySchedule;
  }
  if (!Object.keys(changes).length) return target;
  await ctx.db.update(members).set(changes).where(and(eq(members.id, target.id), eq(members.workspaceId, actor.workspace.id)));
  if (changes.role) {
    await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "member.role_changed", targetType: "member", targetId: target.id, data: { from: target.role, to: changes.role } });
    queueLiveRefresh(ctx, actor.workspace.id);
  }
  const { role: _r, ...profileChanges } = changes;
  if (Object.keys(profileChanges).length) {
    await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "member.profile_updated", targetType: "member", targetId: target.id, data: { fields: Object.keys(profileChanges) } });
  }
  return { ...target, ...changes };
}

export async function setMemberActive(ctx: ServiceContext, actor: Actor, memberId: string, active: boolean) {
  const target = await getMember(ctx, actor, memberId);
  assertMayManage(actor, target);
  if (target.id === actor.member.id) throw badRequest("cannot_deactivate_self", "You cannot deactivate yourself.");
  if (active === (target.status === "active")) return target;
  if (!active && target.role === "owner") assertNotLastOwner(await ownerCount(ctx, actor.workspace.id));
  await ctx.db.update(members).set({ status: active ? "active" : "deactivated", deactivatedAt: active ? null : ctx.now() })
    .where(and(eq(members.id, target.id), eq(members.workspaceId, actor.workspace.id)));
  if (!active) await revokeMemberAccess(ctx, actor.workspace.id, target.id);
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: active ? "member.reactivated" : "member.deactivated", targetType: "member", targetId: target.id });
  if (!active) queueLiveRefresh(ctx, actor.workspace.id, { removedMemberIds: [target.id] });
  return { ...target, status: active ? ("active" as const) : ("deactivated" as const) };
}

/** Removes the membership (team and project links go with it). The person's account stays theirs. */
export async function removeMember(ctx: ServiceContext, actor: Actor, memberId: string) {
  const target = await getMember(ctx, actor, memberId);
  requireScope(actor, "members", "delete");
  assertMayManage(actor, target);
  if (target.id === actor.member.id) throw badRequest("cannot_remove_self", "You cannot remove yourself.");
  if (target.role === "owner") assertNotLastOwner(await ownerCount(ctx, actor.workspace.id));
  await revokeMemberAccess(ctx, actor.workspace.id, target.id);
  await ctx.db.delete(members).where(and(eq(members.id, target.id), eq(members.workspaceId, actor.workspace.id)));
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "member.removed", targetType: "member", targetId: target.id, data: { email: target.email, role: target.role } });
  queueLiveRefresh(ctx, actor.workspace.id, { removedMemberIds: [target.id] });
}
