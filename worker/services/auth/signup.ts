/**
 * Sign-up. The answer never says whether the email already had an account (no enumeration): an
 * existing address gets the same 201 and, instead of a confirmation link, a mail telling its owner
 * they already have an account, with a link to choose a new password. The password is hashed in
 * every case so response times match too.
 *
 * The existing account's password is never replaced, and an unconfirmed one gets a reset link
 * rather than a confirmation link: otherwise someone could pre-register a victim's address with
 * their own password and wait for the victim to "confirm" it (account pre-hijacking).
 */
import { hashPassword } from "../../crypto/password";
import { newId } from "../../db/ids";
import { users } from "../../db/schema";
import type { ServiceContext } from "../context";
import { sendMail } from "../mail";
import { sendConfirmationMail } from "./confirmEmail";
import { assertPasswordPolicy, canonicalTimeZone } from "./fields";
import { createResetLink } from "./passwordReset";
import { findUserByEmail } from "./users";

export interface SignUpInput {
  email: string; // already normalized by the field schema
  name: string;
  password: string;
  timeZone?: string;
}

export interface SignUpResult {
  email: string;
  status: "confirmation_sent";
}

export async function signUp(ctx: ServiceContext, input: SignUpInput): Promise<SignUpResult> {
  assertPasswordPolicy(input.password, "password", { email: input.email, name: input.name });
  const timeZone = input.timeZone ? canonicalTimeZone(input.timeZone) : "UTC";
  const passwordHash = await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
  const result: SignUpResult = { email: input.email, status: "confirmation_sent" };

  const id = newId();
  const inserted = await ctx.db.insert(users)
    .values({ id, email: input.email, name: input.name, passwordHash, timeZone })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  if (inserted.length) {
    await sendConfirmationMail(ctx, { id, email: input.email, name: input.name });
    return result;
  }

  const existing = await findUserByEmail(ctx, input.email);
  if (!existing) return result;
  const resetLink = await createResetLink(ctx, existing.id);
  if (!resetLink) return result; // a mail went out less than a minute ago
  await sendMail(ctx, {
    to: existing.email,
    subject: `You already have a ${ctx.env.APP_NAME} account`,
    text: [
      `Hello ${existing.name},`,
      "",
      `Someone (hopefully you) tried to sign up for ${ctx.env.APP_NAME} with this address, which already has an account.`,
      `Sign in: ${ctx.origin}/login`,
      `Or choose a new password (this also confirms your address; the link works once, for one hour): ${resetLink}`,
      "",
      "If it wasn't you, ignore this message; nothing was changed.",
    ].join("\n"),
  });
  return result;
}
