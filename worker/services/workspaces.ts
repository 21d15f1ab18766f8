/**
 * Workspaces: create (creator becomes owner), list mine, read, update settings and owner toggles,
 * transfer ownership, delete. Every change is audited in the workspace's chain.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Actor, Principal } from "../authz/actor";
import { requireScope } from "../authz/policy";
import { members, users, workspaceKeys, workspaces } from "../db/schema";
import { newId } from "../db/ids";
import { badRequest, conflict, forbidden, notFound } from "../http/problem";
import { appendAudit } from "./audit";
import { queueLiveRefresh } from "./live/rescope";
import type { ServiceContext } from "./context";
import { newWorkspaceKeyRow } from "./screenshots/keys";
import { deleteWorkspaceObjects } from "./screenshots/storage";

export interface CreateWorkspaceInput {
  name: string;
  timeZone?: string;
}

export async function createWorkspace(ctx: ServiceContext, p: Principal, input: CreateWorkspaceInput) {
  const id = newId();
  const memberId = newId();
  const [user] = await ctx.db.select({ timeZone: users.timeZone, name: users.name }).from(users).where(eq(users.id, p.userId));
  if (!user) throw notFound("user");
  const timeZone = input.timeZone ?? user.timeZone;
  const screenshotKey = await newWorkspaceKeyRow(ctx.env, id);
  await ctx.db.batch([
    ctx.db.insert(workspaces).values({ id, name: input.name, timeZone }),
    ctx.db.insert(members).values({ id: memberId, workspaceId: id, userId: p.userId, role: "owner", displayName: user.name, timeZone: user.timeZone }),
    ctx.db.insert(workspaceKeys).values(screenshotKey),
  ]);
  await appendAudit(ctx, { chain: id, actorUserId: p.userId, action: "workspace.created", targetType: "workspace", targetId: id, data: { name: input.name } });
  return { id, name: input.name, timeZone, memberId, role: "owner" as const };
}

/** Workspaces the principal is an active member of, with their role in each (the switcher). */
export async function listMyWorkspaces(ctx: ServiceContext, p: Principal) {
  return ctx.db.select({ id: workspaces.id, name: workspaces.name, role: members.role, memberId: members.id, require2fa: workspaces.require2fa })
    .from(members).innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.userId, p.userId), eq(members.status, "active"))).orderBy(asc(workspaces.name));
}

export async function getWorkspace(ctx: ServiceContext, actor: Actor) {
  const [row] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, actor.workspace.id));
  if (!row) throw notFound("workspace");
  // The screenshot retention's bookkeeping (services/screenshots/retention.ts) is no business of the API.
  const { oldestScreenshotAt: _retentionMarker, ...w } = row;
  const [counts] = await ctx.db.select({ members: sql<number>`count(*)` }).from(members)
    .where(and(eq(members.workspaceId, w.id), eq(members.status, "active")));
  return { ...w, memberCount: counts?.members ?? 0, myRole: actor.member.role, myMemberId: actor.member.id };
}

export interface UpdateWorkspaceInput {
  name?: string;
  timeZone?: string;
  require2fa?: boolean;
  managersSeeScreenshots?: boolean;
  managersSeeApps?: boolean;
}

export async function updateWorkspace(ctx: ServiceContext, actor: Actor, input: UpdateWorkspaceInput) {
  const toggles = input.require2fa !== undefined || input.managersSeeScreenshots !== undefined || input.managersSeeApps !== undefined;
  if (input.name !== undefined || input.timeZone !== undefined) requireScope(actor, "settings", "update");
  if (toggles) requireScope(actor, "privacy_toggles", "update");
  if (input.require2fa === true && !actor.amr.includes("otp")) {
    // Requiring 2FA while not using it would lock the owner out of their own workspace.
    const [u] = await ctx.db.select({ t: users.totpEnabledAt }).from(users).where(eq(users.id, actor.userId));
    if (!u?.t) throw conflict("two_factor_not_enabled", "Enable two-factor authentication on your own account before requiring it for the workspace.");
  }
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (!Object.keys(changes).length) throw badRequest("nothing_to_update", "No fields to update.");
  await ctx.db.update(workspaces).set(changes).where(eq(workspaces.id, actor.workspace.id));
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "workspace.settings_changed", targetType: "workspace", targetId: actor.workspace.id, data: changes });
  // The privacy toggles (and the two-factor requirement) change what managers may see live.
  if (toggles) queueLiveRefresh(ctx, actor.workspace.id);
  return getWorkspace(ctx, { ...actor, workspace: { ...actor.workspace, ...changes } });
}

/** Makes another active member an owner; optionally steps the current owner down to executive. */
export async function transferOwnership(ctx: ServiceContext, actor: Actor, input: { memberId: string; stayOwner: boolean }) {
  requireScope(actor, "owners", "manage");
  if (input.memberId === actor.member.id) throw badRequest("same_member", "You are already an owner.");
  const [target] = await ctx.db.select().from(members)
    .where(and(eq(members.id, input.memberId), eq(members.workspaceId, actor.workspace.id), eq(members.status, "active")));
  if (!target) throw notFound("member");
  const stmts = [ctx.db.update(members).set({ role: "owner" }).where(eq(members.id, target.id))];
  if (!input.stayOwner) stmts.push(ctx.db.update(members).set({ role: "executive" }).where(eq(members.id, actor.member.id)));
  await ctx.db.batch(stmts as [typeof stmts[0], ...typeof stmts]);
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "workspace.ownership_transferred", targetType: "member", targetId: target.id, data: { from: actor.member.id, previousRole: target.role, stayOwner: input.stayOwner } });
  queueLiveRefresh(ctx, actor.workspace.id);
}

/** Deletes the workspace and everything in it: D1 rows (cascade), its Durable Object storage. */
export async function deleteWorkspace(ctx: ServiceContext, actor: Actor, confirmName: string) {
  requireScope(actor, "workspace", "delete");
  if (confirmName !== actor.workspace.name) throw badRequest("confirmation_mismatch", "Type the workspace name exactly to confirm deletion.");
  await destroyWorkspaceStorage(ctx, actor.workspace.id);
  await ctx.db.delete(workspaces).where(eq(workspaces.id, actor.workspace.id));
  // The workspace's chain goes with it; the deletion itself is recorded in the global chain.
  await appendAudit(ctx, { chain: "global", actorUserId: actor.userId, action: "workspace.deleted", targetType: "workspace", targetId: actor.workspace.id, data: { name: actor.workspace.name } });
}

/**
 * Empties the workspace's Durable Object (its tracking records) and deletes its screenshot ciphertext
 * from R2; D1 rows (including the screenshot key) go by cascade afterwards.
 */
export async function destroyWorkspaceStorage(ctx: ServiceContext, workspaceId: string) {
  const stub = ctx.env.WORKSPACE.get(ctx.env.WORKSPACE.idFromName(workspaceId)) as DurableObjectStub<import("../workspace/WorkspaceObject").WorkspaceObject>;
  await stub.destroy();
  await deleteWorkspaceObjects(ctx.env.SCREENSHOTS, workspaceId);
}

export function assertNotLastOwner(ownerCount: number) {
  if (ownerCount <= 1) throw forbidden("last_owner", "A workspace needs at least one owner. Make someone else an owner first.");
}
