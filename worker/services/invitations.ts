/**
 * Invitations by email with a role: expiring, single-use links (the token is stored hashed).
 * Resending mints a new link and kills the old one. Accepting requires being signed in with the
 * invited address, so a forwarded link cannot be used by someone else.
 */
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Actor, Principal } from "../authz/actor";
import { assignableRoles } from "../authz/permissions";
import { requireScope } from "../authz/policy";
import { randomToken, sha256Hex } from "../crypto/encoding";
import { invitations, members, users, workspaces, type Role } from "../db/schema";
import { newId, UUID_RE } from "../db/ids";
import { conflict, forbidden, gone, notFound, tooManyRequests } from "../http/problem";
import { appendAudit } from "./audit";
import type { ServiceContext } from "./context";
import { sendMail } from "./mail";

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
export const RESEND_MIN_INTERVAL_MS = 60_000;
export const MAX_SENDS = 5;

type Invitation = typeof invitations.$inferSelect;

export function invitationStatus(i: Invitation, now: number): "pending" | "accepted" | "revoked" | "expired" {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  if (i.expiresAt <= now) return "expired";
  return "pending";
}

const view = (i: Invitation, now: number) => ({
  id: i.id, email: i.email, role: i.role, status: invitationStatus(i, now), createdAt: i.createdAt, expiresAt: i.expiresAt,
  lastSentAt: i.lastSentAt, sentCount: i.sentCount, acceptedAt: i.acceptedAt, revokedAt: i.revokedAt,
});

async function mailInvitation(ctx: ServiceContext, actor: Actor, email: string, role: Role, token: string) {
  await sendMail(ctx, {
    to: email,
    subject: `${actor.name} invited you to ${actor.workspace.name} on Worktrail`,
    text: `${actor.name} invited you to join the workspace "${actor.workspace.name}" on Worktrail as ${role.replace("_", " ")}.\n\n` +
      `Accept the invitation: ${ctx.origin}/invite/${token}\n\nThe link works once and expires in 7 days. If you did not expect this, ignore this email.`,
  });
}

export async function createInvitation(ctx: ServiceContext, actor: Actor, input: { email: string; role: Role }) {
  requireScope(actor, "invitations", "create");
  if (!assignableRoles(actor.member.role).includes(input.role)) throw forbidden("role_not_assignable", "Your role cannot grant that role.");
  const email = input.email.trim().toLowerCase();
  const [existing] = await ctx.db.select({ id: members.id }).from(members).innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.workspaceId, actor.workspace.id), eq(users.email, email)));
  if (existing) throw conflict("already_member", "This person is already a member of the workspace.", [{ field: "email", code: "already_member", message: "Already a member." }]);
  const [pending] = await ctx.db.select({ id: invitations.id }).from(invitations)
    .where(and(eq(invitations.workspaceId, actor.workspace.id), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, ctx.now())));
  if (pending) throw conflict("invitation_pending", "An invitation for this email is already pending. Resend it instead.", [{ field: "email", code: "invitation_pending", message: "Already invited." }]);
  const token = randomToken(32);
  const now = ctx.now();
  const row: Invitation = {
    id: newId(), workspaceId: actor.workspace.id, email, role: input.role, tokenHash: await sha256Hex(token),
    invitedByMemberId: actor.member.id, createdAt: now, expiresAt: now + INVITATION_TTL_MS, lastSentAt: now, sentCount: 1,
    acceptedAt: null, acceptedByUserId: null, revokedAt: null,
  };
  await ctx.db.insert(invitations).values(row);
  await mailInvitation(ctx, actor, email, input.role, token);
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "invitation.created", targetType: "invitation", targetId: row.id, data: { email, role: input.role } });
  return view(row, now);
}

export async function listInvitations(ctx: ServiceContext, actor: Actor, status: "pending" | "all" = "pending") {
  requireScope(actor, "invitations", "read");
  const rows = await ctx.db.select().from(invitations).where(eq(invitations.workspaceId, actor.workspace.id))
    .orderBy(desc(invitations.createdAt)).limit(200);
  const now = ctx.now();
  return rows.map((r) => view(r, now)).filter((r) => status === "all" || r.status === "pending");
}

async function getInvitation(ctx: ServiceContext, actor: Actor, id: string) {
  requireScope(actor, "invitations", "read");
  if (!UUID_RE.test(id)) throw notFound("invitation");
  const [row] = await ctx.db.select().from(invitations).where(and(eq(invitations.id, id), eq(invitations.workspaceId, actor.workspace.id)));
  if (!row) throw notFound("invitation");
  return row;
}

export async function resendInvitation(ctx: ServiceContext, actor: Actor, id: string) {
  requireScope(actor, "invitations", "update");
  const row = await getInvitation(ctx, actor, id);
  const status = invitationStatus(row, ctx.now());
  if (status === "accepted" || status === "revoked") throw conflict(`invitation_${status}`, `This invitation was already ${status}.`);
  if (!assignableRoles(actor.member.role).includes(row.role)) throw forbidden("role_not_assignable", "Your role cannot grant that role.");
  if (row.sentCount >= MAX_SENDS) throw tooManyRequests(3600, "resend_limit", "This invitation was sent too many times. Revoke it and invite again later.");
  const wait = row.lastSentAt + RESEND_MIN_INTERVAL_MS - ctx.now();
  if (wait > 0) throw tooManyRequests(wait / 1000, "resend_too_soon", "Wait a minute before resending.");
  const token = randomToken(32);
  const now = ctx.now();
  const changes = { tokenHash: await sha256Hex(token), expiresAt: now + INVITATION_TTL_MS, lastSentAt: now, sentCount: row.sentCount + 1 };
  await ctx.db.update(invitations).set(changes).where(eq(invitations.id, row.id));
  await mailInvitation(ctx, actor, row.email, row.role, token);
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "invitation.resent", targetType: "invitation", targetId: row.id, data: { email: row.email } });
  return view({ ...row, ...changes }, now);
}

export async function revokeInvitation(ctx: ServiceContext, actor: Actor, id: string) {
  requireScope(actor, "invitations", "delete");
  const row = await getInvitation(ctx, actor, id);
  if (invitationStatus(row, ctx.now()) === "accepted") throw conflict("invitation_accepted", "This invitation was already accepted; remove the member instead.");
  if (row.revokedAt) return view(row, ctx.now());
  await ctx.db.update(invitations).set({ revokedAt: ctx.now() }).where(eq(invitations.id, row.id));
  await appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action: "invitation.revoked", targetType: "invitation", targetId: row.id, data: { email: row.email } });
  return view({ ...row, revokedAt: ctx.now() }, ctx.now());
}

async function byToken(ctx: ServiceContext, token: string) {
  if (token.length < 20 || token.length > 200) throw notFound("invitation");
  const [row] = await ctx.db.select({ i: invitations, wsName: workspaces.name }).from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId)).where(eq(invitations.tokenHash, await sha256Hex(token)));
  if (!row) throw notFound("invitation");
  return row;
}

/** What the invite page shows before accepting. Only the holder of the link learns this. */
export async function previewInvitation(ctx: ServiceContext, token: string) {
  const { i, wsName } = await byToken(ctx, token);
  return { workspaceName: wsName, email: i.email, role: i.role, status: invitationStatus(i, ctx.now()), expiresAt: i.expiresAt };
}

export async function acceptInvitation(ctx: ServiceContext, p: Principal, token: string) {
  const { i } = await byToken(ctx, token);
  const status = invitationStatus(i, ctx.now());
  if (status !== "pending") throw gone(`invitation_${status}`, `This invitation is ${status}. Ask for a new one.`);
  if (i.email !== p.email.toLowerCase()) {
    throw forbidden("invitation_email_mismatch", `This invitation was sent to ${i.email}. Sign in with that address to accept it.`);
  }
  const [u] = await ctx.db.select({ name: users.name, tz: users.timeZone }).from(users).where(eq(users.id, p.userId));
  const [existing] = await ctx.db.select().from(members).where(and(eq(members.workspaceId, i.workspaceId), eq(members.userId, p.userId)));
  if (existing?.status === "active") throw conflict("already_member", "You are already a member of this workspace.");
  const memberId = existing?.id ?? newId();
  // Claim the invitation and create (or reactivate) the membership in one atomic batch.
  const claim = ctx.db.update(invitations).set({ acceptedAt: ctx.now(), acceptedByUserId: p.userId })
    .where(and(eq(invitations.id, i.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const upsert = existing
    ? ctx.db.update(members).set({ status: "active", role: i.role, deactivatedAt: null }).where(eq(members.id, existing.id))
    : ctx.db.insert(members).values({ id: memberId, workspaceId: i.workspaceId, userId: p.userId, role: i.role, displayName: u?.name ?? p.name, timeZone: u?.tz ?? "UTC" });
  await ctx.db.batch([claim, upsert]);
  await appendAudit(ctx, { chain: i.workspaceId, actorUserId: p.userId, action: "invitation.accepted", targetType: "member", targetId: memberId, data: { invitationId: i.id, role: i.role } });
  return { workspaceId: i.workspaceId, memberId, role: i.role };
}
