/**
 * Checks a second factor: a TOTP code or a recovery code. Both are single use. A TOTP code is
 * burned by moving users.totp_last_step forward with a conditional UPDATE (so two requests racing
 * with the same code cannot both pass); a recovery code by setting its used_at the same way.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { hashRecoveryCode, verifyTotp } from "../../crypto/totp";
import { recoveryCodes, users } from "../../db/schema";
import { AppError, validationFailed } from "../../http/problem";
import type { ServiceContext } from "../context";
import { auditAuth } from "./auditAuth";
import type { UserRow } from "./users";

export type SecondFactorMethod = "otp" | "rec";
export type SecondFactorResult = { ok: true; method: SecondFactorMethod } | { ok: false; reason: "invalid" | "reused" };

export interface SecondFactorInput {
  code?: string;
  recoveryCode?: string;
}

/** Exactly one of the two must be given; anything else is a malformed form, not a wrong code. */
export function assertOneFactor(input: SecondFactorInput): void {
  const given = [input.code, input.recoveryCode].filter((v) => v !== undefined && v !== "").length;
  if (given !== 1) {
    throw validationFailed([{ field: "code", code: "one_factor_required", message: "Enter either a code from your app or a recovery code." }]);
  }
}

export async function checkTotp(ctx: ServiceContext, user: UserRow, code: string): Promise<SecondFactorResult> {
  if (!user.totpSecret) return { ok: false, reason: "invalid" };
  const r = verifyTotp({ secretBase32: user.totpSecret, code, now: ctx.now(), lastUsedStep: user.totpLastStep });
  if (!r.ok) return r;
  const claimed = await ctx.db.update(users).set({ totpLastStep: r.step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, r.step))))
    .returning({ id: users.id });
  return claimed.length ? { ok: true, method: "otp" } : { ok: false, reason: "reused" };
}

export async function checkRecoveryCode(ctx: ServiceContext, user: UserRow, code: string): Promise<SecondFactorResult> {
  const used = await ctx.db.update(recoveryCodes).set({ usedAt: ctx.now() })
    .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, await hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  if (!used.length) return { ok: false, reason: "invalid" };
  const [left] = await ctx.db.select({ n: sql<number>`count(*)` }).from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  await auditAuth(ctx, user.id, "auth.recovery_code.used", { remaining: left?.n ?? 0 });
  return { ok: true, method: "rec" };
}

export function checkSecondFactor(ctx: ServiceContext, user: UserRow, input: SecondFactorInput): Promise<SecondFactorResult> {
  assertOneFactor(input);
  return input.code ? checkTotp(ctx, user, input.code) : checkRecoveryCode(ctx, user, input.recoveryCode ?? "");
}

/** A 6-digit string is a TOTP code; anything else is read as a recovery code. */
export function splitCode(code: string): SecondFactorInput {
  return /^[0-9]{6}$/.test(code.trim()) ? { code: code.trim() } : { recoveryCode: code };
}

/** The error for a failed factor: reuse gets its own code so the person knows to wait for the next one. */
export function secondFactorError(reason: "invalid" | "reused", status: 401 | 422, field = "code"): AppError {
  const [code, message] = reason === "reused"
    ? ["two_factor_code_reused", "This code was already used. Wait for the next code in your app."]
    : ["invalid_two_factor_code", "That code is not valid."];
  return status === 401
    ? new AppError(401, code, message)
    : validationFailed([{ field, code, message }], message);
}
