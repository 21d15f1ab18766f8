/**
 * Email confirmation: a single-use link (48 h) proves the address belongs to the person signing up.
 * Resending answers the same whatever the address, and sends at most one link a minute.
 */
import { and, eq, isNull } from "drizzle-orm";
import { users } from "../../db/schema";
import { badRequest } from "../../http/problem";
import type { ServiceContext } from "../context";
import { sendMail } from "../mail";
import { CONFIRM_TOKEN_TTL_MS, consumeEmailToken, createEmailToken, issuedRecently } from "./emailTokens";
import { findUserByEmail } from "./users";

export async function sendConfirmationMail(ctx: ServiceContext, user: { id: string; email: string; name: string }): Promise<void> {
  if (await issuedRecently(ctx, user.id, "confirm_email")) return;
  const token = await createEmailToken(ctx, user.id, "confirm_email", CONFIRM_TOKEN_TTL_MS);
  await sendMail(ctx, {
    to: user.email,
    subject: `Confirm your email for ${ctx.env.APP_NAME}`,
    text: [
      `Hello ${user.name},`,
      "",
      "Confirm your email address to finish creating your account:",
      `${ctx.origin}/confirm?token=${token}`,
      "",
      "The link works once and expires in 48 hours. If you did not sign up, ignore this message.",
    ].join("\n"),
  });
}

export async function confirmEmail(ctx: ServiceContext, token: string): Promise<{ email: string }> {
  const userId = await consumeEmailToken(ctx, token, "confirm_email");
  if (!userId) throw badRequest("invalid_token", "This confirmation link is invalid, expired or already used. Ask for a new one.");
  const [u] = await ctx.db.update(users).set({ emailVerifiedAt: ctx.now() })
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt))).returning({ email: users.email });
  if (u) return u;
  // Already confirmed through another link: still a success for the person clicking.
  const [existing] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!existing) throw badRequest("invalid_token", "This confirmation link is invalid, expired or already used. Ask for a new one.");
  return existing;
}

/** Same answer for unknown, confirmed and unconfirmed addresses; only the last gets a mail. */
export async function resendConfirmation(ctx: ServiceContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx, email);
  if (user && user.emailVerifiedAt === null) await sendConfirmationMail(ctx, user);
}
