/**
 * Change password from inside a session. Every other session is revoked (a thief who had the old
 * password or a copied session is signed out); the session making the change stays signed in.
 */
import { eq } from "drizzle-orm";
import type { Principal } from "../../authz/actor";
import { hashPassword } from "../../crypto/password";
import { users } from "../../db/schema";
import type { ServiceContext } from "../context";
import { sendMail } from "../mail";
import { revokeUserSessions } from "../sessions";
import { auditAuth } from "./auditAuth";
import { assertPasswordPolicy } from "./fields";
import { reauthPassword } from "./reauth";
import { requireUserRow } from "./users";

export async function changePassword(ctx: ServiceContext, p: Principal, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const user = await requireUserRow(ctx, p.userId);
  await reauthPassword(ctx, user, input.currentPassword, "currentPassword");
  assertPasswordPolicy(input.newPassword, "newPassword", { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.newPassword, ctx.env.PASSWORD_PEPPER);
  await ctx.db.update(users).set({ passwordHash, passwordChangedAt: ctx.now() }).where(eq(users.id, user.id));
  await revokeUserSessions(ctx, user.id, "password_changed", { keepSessionId: p.sessionId });
  await auditAuth(ctx, user.id, "auth.password.changed", { keptSessionId: p.sessionId });
  await sendMail(ctx, {
    to: user.email,
    subject: `Your ${ctx.env.APP_NAME} password was changed`,
    text: `Hello ${user.name},\n\nYour password was just changed and your other sessions were signed out.\nIf this wasn't you, reset it at ${ctx.origin}/forgot-password and contact your workspace owner.`,
  });
}
