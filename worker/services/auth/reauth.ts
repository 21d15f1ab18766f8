/**
 * Re-authentication inside a session before sensitive changes (password, two-factor). A stolen
 * session must not become a free password-guessing oracle, so these checks share the sign-in
 * throttle; a wrong answer is a field error so the form can point at it.
 */
import { verifyPassword } from "../../crypto/password";
import { validationFailed } from "../../http/problem";
import type { ServiceContext } from "../context";
import { checkSecondFactor, secondFactorError, type SecondFactorInput } from "./secondFactor";
import { assertNotLocked, recordFailure } from "./throttle";
import type { UserRow } from "./users";

export async function reauthPassword(ctx: ServiceContext, user: UserRow, password: string, field: string): Promise<void> {
  const subject = { email: user.email, ip: ctx.ip };
  await assertNotLocked(ctx, subject);
  const check = await verifyPassword(password, user.passwordHash, ctx.env.PASSWORD_PEPPER);
  if (check.ok) return;
  await recordFailure(ctx, subject, user.id);
  throw validationFailed([{ field, code: "incorrect_password", message: "That is not your current password." }]);
}

export async function reauthSecondFactor(ctx: ServiceContext, user: UserRow, input: SecondFactorInput, field = "code"): Promise<"otp" | "rec"> {
  const subject = { email: user.email, ip: ctx.ip };
  await assertNotLocked(ctx, subject);
  const result = await checkSecondFactor(ctx, user, input);
  if (result.ok) return result.method;
  await recordFailure(ctx, subject, user.id);
  throw secondFactorError(result.reason, 422, field);
}
