/**
 * Sessions: one row per sign-in; an access JWT (short-lived, ES256) plus an opaque refresh token
 * (stored hashed, rotated on every use). Presenting a rotated refresh token again revokes the whole
 * session (its "family"), except within a short grace window that absorbs a browser's concurrent
 * requests racing to refresh (docs/decisions/0004-sessions-and-tokens.md).
 *
 * Revocation takes effect at once everywhere: every request re-checks the session, and the live-board
 * sockets a revoked session opened are closed after the response (live/sessionSockets.ts).
 */
import { and, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { randomToken, sha256Hex } from "../crypto/encoding";
import { getKeyring, signAccessToken, verifyAccessToken } from "../crypto/tokens";
import { members, refreshTokens, sessions, users } from "../db/schema";
import { newId } from "../db/ids";
import type { Principal } from "../authz/actor";
import type { ServiceContext } from "./context";
import { appendAuditToChains } from "./audit";
import { queueLiveSessionClose } from "./live/sessionSockets";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const REFRESH_REUSE_GRACE_MS = 30_000;

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export async function createSession(ctx: ServiceContext, userId: string, kind: "browser" | "api", amr: string[]): Promise<IssuedTokens> {
  const id = newId();
  const expiresAt = ctx.now() + SESSION_TTL_MS;
  const refreshToken = randomToken(32);
  await ctx.db.batch([
    ctx.db.insert(sessions).values({ id, userId, kind, amr: amr.join(","), userAgent: ctx.userAgent, ip: ctx.ip, expiresAt }),
    ctx.db.insert(refreshTokens).values({ tokenHash: await sha256Hex(refreshToken), sessionId: id }),
  ]);
  const keyring = await getKeyring(ctx.env.TOKEN_SIGNING_KEY);
  return { sessionId: id, accessToken: await signAccessToken(keyring, { sub: userId, sid: id, amr }), refreshToken, expiresAt };
}

type RefreshResult =
  | { kind: "rotated"; tokens: IssuedTokens; userId: string }
  | { kind: "concurrent"; sessionId: string; userId: string } // grace window: valid session, no new tokens
  | { kind: "invalid" };

export async function refreshSession(ctx: ServiceContext, refreshToken: string): Promise<RefreshResult> {
  if (refreshToken.length < 20 || refreshToken.length > 200) return { kind: "invalid" };
  const hash = await sha256Hex(refreshToken);
  const [row] = await ctx.db.select({ rt: refreshTokens, s: sessions }).from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId)).where(eq(refreshTokens.tokenHash, hash)).limit(1);
  if (!row || row.s.revokedAt || row.s.expiresAt <= ctx.now()) return { kind: "invalid" };
  if (row.rt.usedAt) {
    if (ctx.now() - row.rt.usedAt < REFRESH_REUSE_GRACE_MS) return { kind: "concurrent", sessionId: row.s.id, userId: row.s.userId };
    await revokeSession(ctx, row.s.id, "refresh_token_reuse");
    await appendAuditToChains(ctx, await activeWorkspaceIds(ctx, row.s.userId), {
      actorUserId: row.s.userId, action: "auth.refresh_reuse_detected", targetType: "session", targetId: row.s.id,
    });
    return { kind: "invalid" };
  }
  // Claim the token atomically: only one request can flip used_at from null.
  const claimed = await ctx.db.update(refreshTokens).set({ usedAt: ctx.now() })
    .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt))).returning({ h: refreshTokens.tokenHash });
  if (!claimed.length) return { kind: "concurrent", sessionId: row.s.id, userId: row.s.userId };
  const next = randomToken(32);
  await ctx.db.batch([
    ctx.db.insert(refreshTokens).values({ tokenHash: await sha256Hex(next), sessionId: row.s.id }),
    ctx.db.update(sessions).set({ lastSeenAt: ctx.now(), ip: ctx.ip ?? row.s.ip }).where(eq(sessions.id, row.s.id)),
  ]);
  const keyring = await getKeyring(ctx.env.TOKEN_SIGNING_KEY);
  const amr = row.s.amr.split(",").filter(Boolean);
  return {
    kind: "rotated",
    userId: row.s.userId,
    tokens: { sessionId: row.s.id, accessToken: await signAccessToken(keyring, { sub: row.s.userId, sid: row.s.id, amr }), refreshToken: next, expiresAt: row.s.expiresAt },
  };
}

/** Verifies the JWT, then checks the session is still live: revocation takes effect at once. */
export async function principalFromAccessToken(ctx: ServiceContext, token: string): Promise<Principal | null> {
  const claims = await verifyAccessToken(await getKeyring(ctx.env.TOKEN_SIGNING_KEY), token);
  if (!claims) return null;
  return principalFromSession(ctx, claims.sid, claims.sub);
}

export async function principalFromSession(ctx: ServiceContext, sessionId: string, userId: string): Promise<Principal | null> {
  const [row] = await ctx.db.select({ s: sessions, u: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, ctx.now()))).limit(1);
  if (!row) return null;
  return {
    userId: row.u.id, email: row.u.email, name: row.u.name, sessionId: row.s.id,
    amr: row.s.amr.split(",").filter(Boolean), emailVerified: row.u.emailVerifiedAt !== null, totpEnabled: row.u.totpEnabledAt !== null,
  };
}

/**
 * Closes the live-board sockets of sessions just revoked, in each workspace the user is active in
 * (after the response), except `exceptWorkspaceId`.
 */
function closeLiveSockets(ctx: ServiceContext, userId: string, sessionIds: string[], exceptWorkspaceId?: string) {
  queueLiveSessionClose(ctx, sessionIds, async () => (await activeWorkspaceIds(ctx, userId)).filter((ws) => ws !== exceptWorkspaceId));
}

export async function revokeSession(ctx: ServiceContext, sessionId: string, reason: string) {
  const revoked = await ctx.db.update(sessions).set({ revokedAt: ctx.now(), revokeReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt))).returning({ id: sessions.id, userId: sessions.userId });
  for (const s of revoked) closeLiveSockets(ctx, s.userId, [s.id]);
}

export interface RevokeUserSessionsOptions {
  /** The session to keep (change password keeps the current one). */
  keepSessionId?: string;
  /**
   * A workspace whose live sockets the caller closes itself, with a truer reason: a member leaving
   * it gets 4403 (access revoked) from the live refresh rather than 4401 (signed out).
   */
  liveExceptWorkspaceId?: string;
}

/** Revokes every session of a user, optionally keeping one. */
export async function revokeUserSessions(ctx: ServiceContext, userId: string, reason: string, opts: RevokeUserSessionsOptions = {}) {
  const { keepSessionId } = opts;
  const where = keepSessionId
    ? and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, keepSessionId))
    : and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  const revoked = await ctx.db.update(sessions).set({ revokedAt: ctx.now(), revokeReason: reason }).where(where).returning({ id: sessions.id });
  closeLiveSockets(ctx, userId, revoked.map((s) => s.id), opts.liveExceptWorkspaceId);
}

export async function listSessions(ctx: ServiceContext, p: Principal) {
  const rows = await ctx.db.select().from(sessions)
    .where(and(eq(sessions.userId, p.userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, ctx.now())))
    .orderBy(desc(sessions.lastSeenAt)).limit(100);
  return rows.map((s) => ({
    id: s.id, kind: s.kind, userAgent: s.userAgent, ip: s.ip, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt, current: s.id === p.sessionId,
  }));
}

/** Revoke one of the caller's own sessions. Someone else's session id answers "not found". */
export async function revokeOwnSession(ctx: ServiceContext, p: Principal, sessionId: string): Promise<boolean> {
  const res = await ctx.db.update(sessions).set({ revokedAt: ctx.now(), revokeReason: "revoked_by_user" })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, p.userId), isNull(sessions.revokedAt))).returning({ id: sessions.id });
  closeLiveSockets(ctx, p.userId, res.map((s) => s.id));
  return res.length > 0;
}

export async function activeWorkspaceIds(ctx: ServiceContext, userId: string): Promise<string[]> {
  const rows = await ctx.db.select({ ws: members.workspaceId }).from(members)
    .where(and(eq(members.userId, userId), eq(members.status, "active")));
  return rows.map((r) => r.ws);
}
