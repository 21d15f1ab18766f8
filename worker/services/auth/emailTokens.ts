/**
 * Single-use tokens sent by email (address confirmation, password reset). Only a SHA-256 of the
 * token is stored: a leaked database row cannot be turned back into a working link. The random
 * part has 256 bits, so a fast hash is enough (nothing to brute-force).
 */
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { randomToken, sha256Hex } from "../../crypto/encoding";
import { emailTokens } from "../../db/schema";
import type { ServiceContext } from "../context";

export type EmailTokenPurpose = (typeof emailTokens.$inferSelect)["purpose"];

export const CONFIRM_TOKEN_TTL_MS = 48 * 3600 * 1000;
export const RESET_TOKEN_TTL_MS = 3600 * 1000;
/** Minimum gap between two mails of the same kind to one user: stops using us to flood an inbox. */
export const EMAIL_TOKEN_MIN_INTERVAL_MS = 60_000;

const TOKEN_RE = /^[A-Za-z0-9_-]{20,200}$/;

export async function createEmailToken(ctx: ServiceContext, userId: string, purpose: EmailTokenPurpose, ttlMs: number): Promise<string> {
  const token = randomToken(32);
  await ctx.db.insert(emailTokens).values({
    tokenHash: await sha256Hex(token), userId, purpose, createdAt: ctx.now(), expiresAt: ctx.now() + ttlMs,
  });
  return token;
}

/** True when a token of this purpose was issued to the user within the last minute. */
export async function issuedRecently(ctx: ServiceContext, userId: string, purpose: EmailTokenPurpose): Promise<boolean> {
  const [last] = await ctx.db.select({ at: emailTokens.createdAt }).from(emailTokens)
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose)))
    .orderBy(desc(emailTokens.createdAt)).limit(1);
  return last !== undefined && ctx.now() - last.at < EMAIL_TOKEN_MIN_INTERVAL_MS;
}

/** The user a live (unused, unexpired) token belongs to, without using it up. */
export async function peekEmailToken(ctx: ServiceContext, token: string, purpose: EmailTokenPurpose): Promise<string | null> {
  if (!TOKEN_RE.test(token)) return null;
  const [row] = await ctx.db.select({ userId: emailTokens.userId }).from(emailTokens)
    .where(liveToken(await sha256Hex(token), purpose, ctx.now())).limit(1);
  return row?.userId ?? null;
}

/**
 * Uses the token up and returns its user, or null if it is unknown, expired or already used. The
 * conditional UPDATE is the single-use guarantee: of two concurrent requests only one flips
 * used_at. Every other live token of the same purpose for that user dies with it (an older reset
 * link must not work after the password was reset with a newer one).
 */
export async function consumeEmailToken(ctx: ServiceContext, token: string, purpose: EmailTokenPurpose): Promise<string | null> {
  if (!TOKEN_RE.test(token)) return null;
  const now = ctx.now();
  const [row] = await ctx.db.update(emailTokens).set({ usedAt: now })
    .where(liveToken(await sha256Hex(token), purpose, now)).returning({ userId: emailTokens.userId });
  if (!row) return null;
  await ctx.db.update(emailTokens).set({ usedAt: now })
    .where(and(eq(emailTokens.userId, row.userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
  return row.userId;
}

function liveToken(hash: string, purpose: EmailTokenPurpose, now: number) {
  return and(eq(emailTokens.tokenHash, hash), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now));
}
