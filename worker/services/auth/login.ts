/**
 * Sign-in in one or two steps. Step one checks the password; an account with two-factor gets a
 * short-lived signed challenge (no session yet), which step two exchanges, together with a TOTP or
 * recovery code, for a session.
 *
 * What an attacker learns is kept to a minimum: an unknown email runs the same PBKDF2 work as a
 * wrong password (verifyPassword with stored = null) and gets the same 401 body; "email not
 * confirmed" is only said after the password checked out. Both steps go through the throttle.
 */
import { eq } from "drizzle-orm";
import { getKeyring, signPurposeToken, verifyPurposeToken } from "../../crypto/tokens";
import { hashPassword, verifyPassword } from "../../crypto/password";
import { users } from "../../db/schema";
import { AppError, forbidden, unauthorized } from "../../http/problem";
import type { ServiceContext } from "../context";
import { createSession, type IssuedTokens } from "../sessions";
import { auditAuth } from "./auditAuth";
import { checkSecondFactor, secondFactorError, type SecondFactorInput } from "./secondFactor";
import { assertNotLocked, clearAccountFailures, recordFailure } from "./throttle";
import { findUserByEmail, findUserById, type UserRow } from "./users";

export const CHALLENGE_PURPOSE = "login-2fa";
export const CHALLENGE_TTL_SECONDS = 300;

export type SessionKind = "browser" | "api";
export type LoginResult =
  | { kind: "session"; userId: string; tokens: IssuedTokens }
  | { kind: "two_factor"; challenge: string };

const invalidCredentials = () => unauthorized("invalid_credentials", "Email or password is incorrect.");

export async function loginWithPassword(ctx: ServiceContext, input: { email: string; password: string }, kind: SessionKind): Promise<LoginResult> {
  const subject = { email: input.email, ip: ctx.ip };
  await assertNotLocked(ctx, subject);
  const user = await findUserByEmail(ctx, input.email);
  const check = await verifyPassword(input.password, user?.passwordHash ?? null, ctx.env.PASSWORD_PEPPER);
  if (!user || !check.ok) {
    await auditAuth(ctx, user?.id ?? null, "auth.login.failed", { reason: "password", ...(user ? {} : { email: input.email }) });
    await recordFailure(ctx, subject, user?.id ?? null);
    throw invalidCredentials();
  }
  if (check.needsRehash) {
    // The cost was raised since this hash was made; upgrade while we hold the plain password.
    await ctx.db.update(users).set({ passwordHash: await hashPassword(input.password, ctx.env.PASSWORD_PEPPER) }).where(eq(users.id, user.id));
  }
  if (user.emailVerifiedAt === null) {
    throw forbidden("email_not_confirmed", "Confirm your email address first: follow the link we sent you, or ask for a new one.");
  }
  if (user.totpEnabledAt !== null) {
    const keyring = await getKeyring(ctx.env.TOKEN_SIGNING_KEY);
    return { kind: "two_factor", challenge: await signPurposeToken(keyring, CHALLENGE_PURPOSE, { sub: user.id, pv: passwordVersion(user) }, CHALLENGE_TTL_SECONDS) };
  }
  return { kind: "session", userId: user.id, tokens: await startSession(ctx, user, kind, ["pwd"]) };
}

export async function completeTwoFactorLogin(
  ctx: ServiceContext,
  input: { challenge: string } & SecondFactorInput,
  kind: SessionKind,
): Promise<{ userId: string; tokens: IssuedTokens }> {
  const user = await userFromChallenge(ctx, input.challenge);
  const subject = { email: user.email, ip: ctx.ip };
  await assertNotLocked(ctx, subject);
  const result = await checkSecondFactor(ctx, user, input);
  if (!result.ok) {
    await auditAuth(ctx, user.id, "auth.login.failed", { reason: result.reason === "reused" ? "second_factor_reused" : "second_factor" });
    await recordFailure(ctx, subject, user.id);
    throw secondFactorError(result.reason, 401);
  }
  return { userId: user.id, tokens: await startSession(ctx, user, kind, ["pwd", result.method]) };
}

/**
 * The challenge names the user and the password it was earned with: after a password change or
 * reset, challenges obtained with the old password stop working.
 */
async function userFromChallenge(ctx: ServiceContext, challenge: string): Promise<UserRow> {
  const claims = await verifyPurposeToken(await getKeyring(ctx.env.TOKEN_SIGNING_KEY), CHALLENGE_PURPOSE, challenge);
  const user = claims?.sub ? await findUserById(ctx, claims.sub) : null;
  if (!claims || !user || user.totpEnabledAt === null || claims.pv !== passwordVersion(user)) {
    throw new AppError(401, "invalid_challenge", "This sign-in attempt has expired. Sign in again.");
  }
  return user;
}

const passwordVersion = (u: UserRow) => String(u.passwordChangedAt ?? u.createdAt);

/**
 * Failures are forgiven only here, once fully signed in: clearing them after the password step
 * would let someone who knows the password reset the counter between rounds of code guessing.
 */
async function startSession(ctx: ServiceContext, user: UserRow, kind: SessionKind, amr: string[]): Promise<IssuedTokens> {
  await clearAccountFailures(ctx, user.email);
  const tokens = await createSession(ctx, user.id, kind, amr);
  await auditAuth(ctx, user.id, "auth.login.succeeded", { sessionId: tokens.sessionId, kind, amr });
  return tokens;
}
