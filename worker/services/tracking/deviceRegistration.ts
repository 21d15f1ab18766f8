/**
 * Signing a desktop agent in. Two ways, both ending in a device token bound to one member of one
 * workspace and to the device (name, OS, agent version):
 * - a one-time code the member got from the web app (issueDeviceCode), or
 * - email + password (+ a TOTP or recovery code when the account has two-factor) and the workspace.
 *
 * The password path reuses the sign-in pieces of services/auth: the same throttle (per account and
 * per address, counted and cleared the same way), the same constant-cost password check, the same
 * second-factor check and failure audit. On top, every registration attempt counts against a
 * per-address window (REGISTER_LIMIT), which is what stops guessing of the short codes.
 */
import { and, eq, gt, isNull, lt, or, isNotNull } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { requireScope } from "../../authz/policy";
import { scopeFor } from "../../authz/permissions";
import { verifyPassword } from "../../crypto/password";
import { deviceCodes, devices, members, users, workspaces, type Role } from "../../db/schema";
import { newId, UUID_RE } from "../../db/ids";
import { AppError, forbidden, notFound, unauthorized } from "../../http/problem";
import { appendAudit } from "../audit";
import { auditAuth } from "../auth/auditAuth";
import { checkSecondFactor, secondFactorError, splitCode } from "../auth/secondFactor";
import { assertNotLocked, clearAccountFailures, recordFailure } from "../auth/throttle";
import { findUserByEmail } from "../auth/users";
import type { ServiceContext } from "../context";
import {
  DEVICE_CODE_TTL_MS, generateDeviceCode, generateDeviceToken, hashDeviceCode, hashDeviceToken, normalizeDeviceCode,
} from "./deviceSecrets";
import { enforceRateLimit, ipRateKey, REGISTER_LIMIT } from "./rateLimit";

export interface DeviceInfo {
  name: string;
  os: string;
  agentVersion: string;
}

export type DeviceCredentials =
  | { code: string; workspaceId?: string }
  | { email: string; password: string; totpCode?: string; workspaceId: string };

export interface RegisteredDevice {
  deviceId: string;
  deviceToken: string;
  workspaceId: string;
  memberId: string;
}

/** A fresh one-time code for the actor's own agent. Shown once; only its keyed hash is stored. */
export async function issueDeviceCode(ctx: ServiceContext, actor: Actor): Promise<{ code: string; expiresAt: number }> {
  requireScope(actor, "devices", "create");
  const now = ctx.now();
  const code = generateDeviceCode();
  const expiresAt = now + DEVICE_CODE_TTL_MS;
  await ctx.db.batch([
    // The member's spent and expired codes are of no further use; dropping them here keeps the table small.
    ctx.db.delete(deviceCodes).where(and(eq(deviceCodes.memberId, actor.member.id), or(isNotNull(deviceCodes.usedAt), lt(deviceCodes.expiresAt, now)))),
    ctx.db.insert(deviceCodes).values({ codeHash: await hashDeviceCode(code, ctx.env.PASSWORD_PEPPER), workspaceId: actor.workspace.id, memberId: actor.member.id, createdAt: now, expiresAt }),
  ]);
  return { code, expiresAt };
}

interface Membership {
  memberId: string;
  userId: string;
  role: Role;
  workspaceId: string;
  require2fa: boolean;
  totpEnabled: boolean;
  toggles: { managersSeeScreenshots: boolean; managersSeeApps: boolean };
}

/** Active memberships only: a deactivated member cannot sign an agent in. */
async function activeMembership(ctx: ServiceContext, where: { memberId: string } | { userId: string; workspaceId: string }): Promise<Membership | null> {
  const cond = "memberId" in where
    ? eq(members.id, where.memberId)
    : and(eq(members.userId, where.userId), eq(members.workspaceId, where.workspaceId));
  const [row] = await ctx.db.select({
    memberId: members.id, userId: members.userId, role: members.role, workspaceId: members.workspaceId,
    require2fa: workspaces.require2fa, totpEnabledAt: users.totpEnabledAt,
    managersSeeScreenshots: workspaces.managersSeeScreenshots, managersSeeApps: workspaces.managersSeeApps,
  }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(cond, eq(members.status, "active"))).limit(1);
  if (!row) return null;
  const { totpEnabledAt, managersSeeScreenshots, managersSeeApps, ...m } = row;
  return { ...m, totpEnabled: totpEnabledAt !== null, toggles: { managersSeeScreenshots, managersSeeApps } };
}

const invalidCode = () => unauthorized("invalid_device_code", "This sign-in code is wrong, expired or already used. Get a new one in the web app.");

/** Claims the code (single use, even under concurrent attempts: one conditional UPDATE) and finds its member. */
async function membershipFromCode(ctx: ServiceContext, input: { code: string; workspaceId?: string }): Promise<Membership> {
  const code = normalizeDeviceCode(input.code);
  if (!code || (input.workspaceId !== undefined && !UUID_RE.test(input.workspaceId))) throw invalidCode();
  const now = ctx.now();
  const [claimed] = await ctx.db.update(deviceCodes).set({ usedAt: now })
    .where(and(
      eq(deviceCodes.codeHash, await hashDeviceCode(code, ctx.env.PASSWORD_PEPPER)),
      isNull(deviceCodes.usedAt), gt(deviceCodes.expiresAt, now),
      // An agent that names a workspace must get a code of that workspace; otherwise the code stays unused.
      input.workspaceId ? eq(deviceCodes.workspaceId, input.workspaceId) : undefined,
    ))
    .returning({ memberId: deviceCodes.memberId });
  const m = claimed ? await activeMembership(ctx, { memberId: claimed.memberId }) : null;
  if (!m) throw invalidCode();
  return m;
}

const invalidCredentials = () => unauthorized("invalid_credentials", "Email or password is incorrect.");

/** The sign-in checks of services/auth/login.ts, ending in a membership instead of a session. */
async function membershipFromPassword(ctx: ServiceContext, input: { email: string; password: string; totpCode?: string; workspaceId: string }): Promise<Membership> {
  const subject = { email: input.email, ip: ctx.ip };
  await assertNotLocked(ctx, subject);
  const user = await findUserByEmail(ctx, input.email);
  const check = await verifyPassword(input.password, user?.passwordHash ?? null, ctx.env.PASSWORD_PEPPER);
  if (!user || !check.ok) {
    await auditAuth(ctx, user?.id ?? null, "auth.login.failed", { reason: "password", client: "agent", ...(user ? {} : { email: input.email }) });
    await recordFailure(ctx, subject, user?.id ?? null);
    throw invalidCredentials();
  }
  if (user.emailVerifiedAt === null) {
    throw forbidden("email_not_confirmed", "Confirm your email address first: follow the link we sent you, or ask for a new one.");
  }
  if (user.totpEnabledAt !== null) {
    if (!input.totpCode) {
      throw new AppError(401, "two_factor_code_required", "This account uses two-factor authentication: send a code from the authenticator app (or a recovery code) as totpCode.");
    }
    const result = await checkSecondFactor(ctx, user, splitCode(input.totpCode));
    if (!result.ok) {
      await auditAuth(ctx, user.id, "auth.login.failed", { reason: result.reason === "reused" ? "second_factor_reused" : "second_factor", client: "agent" });
      await recordFailure(ctx, subject, user.id);
      throw secondFactorError(result.reason, 401, "totpCode");
    }
  }
  // Forgiven only once fully signed in, as for a browser (see login.ts).
  await clearAccountFailures(ctx, user.email);
  const m = UUID_RE.test(input.workspaceId) ? await activeMembership(ctx, { userId: user.id, workspaceId: input.workspaceId }) : null;
  if (!m) throw notFound("workspace");
  return m;
}

export async function registerDevice(ctx: ServiceContext, credentials: DeviceCredentials, device: DeviceInfo): Promise<RegisteredDevice> {
  await enforceRateLimit(ctx, ipRateKey(ctx.ip, REGISTER_LIMIT), REGISTER_LIMIT, "Too many agent sign-in attempts from this address. Wait before trying again.");
  const via = "code" in credentials ? "code" : "password";
  const m = "code" in credentials ? await membershipFromCode(ctx, credentials) : await membershipFromPassword(ctx, credentials);
  // The same rules as any workspace request (services/actor.ts loadActor).
  if (m.require2fa && !m.totpEnabled) {
    throw forbidden("two_factor_required", "This workspace requires two-factor authentication. Enable it in your account security settings.");
  }
  if (!scopeFor(m.role, "devices", "create", m.toggles)) {
    throw forbidden("devices_not_allowed", "Your role in this workspace does not record time, so it cannot sign in a desktop agent.");
  }
  const id = newId();
  const deviceToken = generateDeviceToken();
  const now = ctx.now();
  await ctx.db.insert(devices).values({
    id, workspaceId: m.workspaceId, memberId: m.memberId, name: device.name, os: device.os, agentVersion: device.agentVersion,
    tokenHash: await hashDeviceToken(deviceToken), createdAt: now, lastSeenAt: now, lastIp: ctx.ip,
  });
  await appendAudit(ctx, {
    chain: m.workspaceId, actorUserId: m.userId, action: "device.registered", targetType: "device", targetId: id,
    data: { memberId: m.memberId, name: device.name, os: device.os, agentVersion: device.agentVersion, via },
  });
  return { deviceId: id, deviceToken, workspaceId: m.workspaceId, memberId: m.memberId };
}
