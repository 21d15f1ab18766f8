/**
 * Forgotten password. The request answers the same whether or not the address has an account;
 * the link (single use, 1 h) goes to the mailbox only. Resetting proves control of the mailbox, so
 * it also confirms the address, and it revokes every session: whoever knew the old password is out.
 */
import { eq } from "drizzle-orm";
import { hashPassword } from "../../crypto/password";
import { users } from "../../db/schema";
import { badRequest } from "../../http/problem";
import type { ServiceContext } from "../context";
import { sendMail } from "../mail";
import { revokeUserSessions } from "../sessions";
import { auditAuth } from "./auditAuth";
import { consumeEmailToken, createEmailToken, issuedRecently, peekEmailToken, RESET_TOKEN_TTL_MS } from "./emailTokens";
import { assertPasswordPolicy } from "./fields";
import { clearAccountFailures } from "./throttle";
import { findUserByEmail, findUserById } from "./users";

const invalidToken = () => badRequest("invalid_token", "This reset link is invalid, expired or already used. Ask for a new one.");

/** A fresh reset link, or null when one was sent less than a minute ago (no inbox flooding). */
export async function createResetLink(ctx: ServiceContext, userId: string): Promise<string | null> {
  if (await issuedRecently(ctx, userId, "reset_password")) return null;
  const token = await createEmailToken(ctx, userId, "reset_password", RESET_TOKEN_TTL_MS);
  return `${ctx.origin}/reset-password?token=${token}`;
}

export async function forgotPassword(ctx: ServiceContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx, email);
  if (!user) return;
  const link = await createResetLink(ctx, user.id);
  if (!link) return;
  await sendMail(ctx, {
    to: user.email,
    subject: `Reset your ${ctx.env.APP_NAME} password`,
    text: [
      `Hello ${user.name},`,
      "",
      "Choose a new password with this link (it works once and expires in one hour):",
      link,
      "",
      "Resetting signs you out everywhere. If you did not ask for this, ignore this message.",
    ].join("\n"),
  });
}

export async function resetPassword(ctx: ServiceContext, input: { token: string; password: string }): Promise<{ email: string }> {
  // Look first, use up later: a password the policy refuses must not burn the link.
  const userId = await peekEmailToken(ctx, input.token, "reset_password");
  const user = userId ? await findUserById(ctx, userId) : null;
  if (!user) throw invalidToken();
  assertPasswordPolicy(input.password, "password", { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
  if ((await consumeEmailToken(ctx, input.token, "reset_password")) !== user.id) throw invalidToken();

  const now = ctx.now();
  await ctx.db.update(users)
    .set({ passwordHash, passwordChangedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now })
    .where(eq(users.id, user.id));
  await revokeUserSessions(ctx, user.id, "password_reset");
  await clearAccountFailures(ctx, user.email);
  await auditAuth(ctx, user.id, "auth.password.reset", {});
  await sendMail(ctx, {
    to: user.email,
    subject: `Your ${ctx.env.APP_NAME} password was reset`,
    text: `Hello ${user.name},\n\nYour password was just reset and every session was signed out.\nIf this wasn't you, reset it again at ${ctx.origin}/forgot-password and contact your workspace owner.`,
  });
  return { email: user.email };
}
