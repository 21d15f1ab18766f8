/**
 * Two-factor enrolment (TOTP, RFC 6238) and recovery codes.
 *
 * setup stores a fresh secret that is not active yet; enable activates it only after the person
 * proves their app produces valid codes, and returns 10 recovery codes exactly once (only their
 * hashes are kept). Turning it off needs the password and a code; new recovery codes need a code.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Principal } from "../../authz/actor";
import { generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, totpQrSvg, totpUri } from "../../crypto/totp";
import { newId } from "../../db/ids";
import { recoveryCodes, users } from "../../db/schema";
import { conflict } from "../../http/problem";
import type { ServiceContext } from "../context";
import { auditAuth } from "./auditAuth";
import { reauthPassword, reauthSecondFactor } from "./reauth";
import { checkTotp, secondFactorError, splitCode } from "./secondFactor";
import { requireUserRow, type UserRow } from "./users";

export const RECOVERY_CODE_COUNT = 10;

const alreadyEnabled = () => conflict("two_factor_already_enabled", "Two-factor authentication is already on.");
const notEnabled = () => conflict("two_factor_not_enabled", "Two-factor authentication is not on.");

export async function twoFactorStatus(ctx: ServiceContext, p: Principal) {
  const user = await requireUserRow(ctx, p.userId);
  const [left] = await ctx.db.select({ n: sql<number>`count(*)` }).from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt,
    pendingSetup: user.totpEnabledAt === null && user.totpSecret !== null,
    recoveryCodesLeft: user.totpEnabledAt === null ? 0 : left?.n ?? 0,
  };
}

/** The unconfirmed enrolment in progress, so a page can show its QR again after a mistyped code. */
export async function pendingTwoFactorSetup(ctx: ServiceContext, p: Principal) {
  const user = await requireUserRow(ctx, p.userId);
  if (user.totpEnabledAt !== null || !user.totpSecret) return null;
  return enrolment(ctx, user, user.totpSecret);
}

function enrolment(ctx: ServiceContext, user: UserRow, secret: string) {
  const otpauthUri = totpUri({ secretBase32: secret, account: user.email, issuer: ctx.env.APP_NAME });
  return { secret, otpauthUri, qrSvg: totpQrSvg(otpauthUri) };
}

/** Starts (or restarts) enrolment: a new secret replaces any unconfirmed one. */
export async function setupTwoFactor(ctx: ServiceContext, p: Principal) {
  const user = await requireUserRow(ctx, p.userId);
  if (user.totpEnabledAt !== null) throw alreadyEnabled();
  const secret = generateTotpSecret();
  const updated = await ctx.db.update(users).set({ totpSecret: secret, totpLastStep: null })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt))).returning({ id: users.id });
  if (!updated.length) throw alreadyEnabled();
  return enrolment(ctx, user, secret);
}

export async function enableTwoFactor(ctx: ServiceContext, p: Principal, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = await requireUserRow(ctx, p.userId);
  if (user.totpEnabledAt !== null) throw alreadyEnabled();
  if (!user.totpSecret) throw conflict("two_factor_not_set_up", "Start the set-up first to get a secret for your app.");
  const result = await checkTotp(ctx, user, code);
  if (!result.ok) throw secondFactorError(result.reason, 422);
  const codes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  const enabled = await ctx.db.update(users).set({ totpEnabledAt: ctx.now() })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt))).returning({ id: users.id });
  if (!enabled.length) throw alreadyEnabled();
  await replaceRecoveryCodes(ctx, user.id, codes);
  await auditAuth(ctx, user.id, "auth.2fa.enabled", {});
  return { recoveryCodes: codes };
}

/** `code` may be a TOTP code or, for someone who lost their phone, one of their recovery codes. */
export async function disableTwoFactor(ctx: ServiceContext, p: Principal, input: { password: string; code: string }): Promise<void> {
  const user = await enabledUser(ctx, p);
  await reauthPassword(ctx, user, input.password, "password");
  await reauthSecondFactor(ctx, user, splitCode(input.code));
  await ctx.db.batch([
    ctx.db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, user.id)),
    ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id)),
  ]);
  await auditAuth(ctx, user.id, "auth.2fa.disabled", {});
}

/** New set of recovery codes; every earlier code stops working. Needs a code from the app. */
export async function regenerateRecoveryCodes(ctx: ServiceContext, p: Principal, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = await enabledUser(ctx, p);
  await reauthSecondFactor(ctx, user, { code });
  const codes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  await replaceRecoveryCodes(ctx, user.id, codes);
  await auditAuth(ctx, user.id, "auth.recovery_codes.regenerated", {});
  return { recoveryCodes: codes };
}

async function enabledUser(ctx: ServiceContext, p: Principal): Promise<UserRow> {
  const user = await requireUserRow(ctx, p.userId);
  if (user.totpEnabledAt === null || !user.totpSecret) throw notEnabled();
  return user;
}

async function replaceRecoveryCodes(ctx: ServiceContext, userId: string, codes: string[]): Promise<void> {
  const rows = await Promise.all(codes.map(async (c) => ({ id: newId(), userId, codeHash: await hashRecoveryCode(c) })));
  // One batch: the old set and the new set never coexist, and never both vanish.
  await ctx.db.batch([
    ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    ctx.db.insert(recoveryCodes).values(rows),
  ]);
}
