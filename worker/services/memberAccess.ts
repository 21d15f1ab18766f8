/**
 * Cutting a member off "at once" (PRODUCT.md, issue 2): the member's devices in this workspace are
 * revoked now; every workspace request re-checks membership (loadActor), so browser and API access to
 * this workspace ends with the very next request. A person's sessions belong to the person, not to
 * one workspace: they are revoked too unless the person still has another active membership, where
 * they legitimately keep working (docs/decisions/0004-sessions-and-tokens.md).
 */
import { and, eq, isNull, ne } from "drizzle-orm";
import { devices, members } from "../db/schema";
import type { ServiceContext } from "./context";
import { revokeUserSessions } from "./sessions";

export async function revokeMemberAccess(ctx: ServiceContext, workspaceId: string, memberId: string) {
  await ctx.db.update(devices).set({ revokedAt: ctx.now() })
    .where(and(eq(devices.workspaceId, workspaceId), eq(devices.memberId, memberId), isNull(devices.revokedAt)));
  const [m] = await ctx.db.select({ userId: members.userId }).from(members).where(eq(members.id, memberId));
  if (!m) return;
  const [other] = await ctx.db.select({ id: members.id }).from(members)
    .where(and(eq(members.userId, m.userId), eq(members.status, "active"), ne(members.workspaceId, workspaceId))).limit(1);
  // Their live sockets in this workspace close with 4403 through the caller's live refresh.
  if (!other) await revokeUserSessions(ctx, m.userId, "membership_ended", { liveExceptWorkspaceId: workspaceId });
}
