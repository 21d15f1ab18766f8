/**
 * "A person can delete their account and all of their data" (PRODUCT.md). After re-authentication
 * (password, plus a second factor when enabled):
 * - a workspace where they are the only owner and others remain blocks deletion (409 naming the
 *   workspaces): nobody may orphan a team's workspace by leaving;
 * - workspaces where they are the only member are deleted with everything in them;
 * - every other membership goes with the member's tracking records, receipts, rollups and
 *   screenshots (rows and R2 ciphertext) in that workspace's Durable Object; each of those
 *   workspaces' audit chains records the departure;
 * - the user row goes, and with it (ON DELETE CASCADE) sessions, refresh tokens, recovery codes,
 *   email tokens, memberships, team and project links and devices.
 * The audit log keeps the opaque user id only (it is append-only by design).
 */
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Principal } from "../../authz/actor";
import { members, sessions, users, workspaces } from "../../db/schema";
import { conflict } from "../../http/problem";
import type { WorkspaceObject } from "../../workspace/WorkspaceObject";
import { appendAudit, GLOBAL_CHAIN } from "../audit";
import type { ServiceContext } from "../context";
import { queueLiveRefresh } from "../live/rescope";
import { queueLiveSessionClose } from "../live/sessionSockets";
import { destroyWorkspaceStorage } from "../workspaces";
import { reauthPassword, reauthSecondFactor } from "./reauth";
import { splitCode } from "./secondFactor";
import { requireUserRow } from "./users";

export interface DeleteAccountInput {
  password: string;
  /** App code or recovery code; required when two-factor is on. */
  code?: string;
}

export async function deleteAccount(ctx: ServiceContext, p: Principal, input: DeleteAccountInput): Promise<{ deletedWorkspaces: string[] }> {
  const user = await requireUserRow(ctx, p.userId);
  await reauthPassword(ctx, user, input.password, "password");
  if (user.totpEnabledAt) await reauthSecondFactor(ctx, user, splitCode(input.code ?? ""));

  const mine = await ctx.db.select({ ws: members.workspaceId, wsName: workspaces.name, role: members.role, memberId: members.id }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId)).where(eq(members.userId, user.id));
  const toDelete: string[] = [];
  const blocked: string[] = [];
  for (const m of mine) {
    const [others] = await ctx.db.select({
      members: sql<number>`count(*)`,
      owners: sql<number>`sum(case when ${members.role} = 'owner' and ${members.status} = 'active' then 1 else 0 end)`,
    }).from(members).where(and(eq(members.workspaceId, m.ws), ne(members.userId, user.id)));
    if (!others?.members) toDelete.push(m.ws);
    else if (m.role === "owner" && !others.owners) blocked.push(m.wsName);
  }
  if (blocked.length) {
    throw conflict("sole_owner", `You are the only owner of ${blocked.join(", ")}. Make someone else an owner, or delete the workspace, first.`,
      [{ field: "workspaces", code: "sole_owner", message: blocked.join(", ") }]);
  }

  for (const m of mine) {
    if (toDelete.includes(m.ws)) continue;
    // Their tracking records and screenshots in this workspace go too ("all of their data").
    const stub = ctx.env.WORKSPACE.get(ctx.env.WORKSPACE.idFromName(m.ws)) as DurableObjectStub<WorkspaceObject>;
    const keys = await stub.forgetMember(m.memberId);
    for (let i = 0; i < keys.length; i += 1000) await ctx.env.SCREENSHOTS.delete(keys.slice(i, i + 1000));
    await appendAudit(ctx, { chain: m.ws, actorUserId: user.id, action: "member.account_deleted", targetType: "user", targetId: user.id });
  }
  for (const ws of toDelete) {
    await destroyWorkspaceStorage(ctx, ws);
    await ctx.db.delete(workspaces).where(eq(workspaces.id, ws));
  }
  // The sessions go with the user row (cascade): their ids are read first so their sockets can be closed.
  const liveSessions = await ctx.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
  await ctx.db.delete(users).where(eq(users.id, user.id));
  // Their own open live-board sockets close (they are no member any more); forgetMember took their row off
  // and closed them already (4403): closing by session as well keeps this path like every other
  // revocation. Deleted workspaces closed theirs in destroy().
  const remaining = mine.filter((m) => !toDelete.includes(m.ws)).map((m) => m.ws);
  for (const ws of remaining) queueLiveRefresh(ctx, ws);
  queueLiveSessionClose(ctx, liveSessions.map((s) => s.id), remaining);
  await appendAudit(ctx, { chain: GLOBAL_CHAIN, actorUserId: user.id, action: "account.deleted", targetType: "user", targetId: user.id, data: { deletedWorkspaces: toDelete } });
  return { deletedWorkspaces: toDelete };
}
