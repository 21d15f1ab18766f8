/**
 * Brute-force protection for anything that checks a password or a second-factor code.
 *
 * Two counters per attempt: `acct:<email>` (someone guessing one person's password from many
 * addresses) and `ip:<address>` (one address spraying guesses over many accounts). The first
 * FREE_FAILURES failures cost nothing; each failure after that locks the key for
 * 2^(failures - FREE_FAILURES) × 30 s, capped at one hour. Attempts made while locked are refused
 * without checking the password and without counting, so a locked account cannot be pushed into
 * ever longer lockouts by a flood. A success clears the account counter only: clearing the IP
 * counter would let an attacker reset it by signing in to an account of their own.
 * Counters idle for a day are deleted by the hourly housekeeping.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { loginThrottle } from "../../db/schema";
import { tooManyRequests } from "../../http/problem";
import type { ServiceContext } from "../context";
import { auditAuth } from "./auditAuth";

export const FREE_FAILURES = 5;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 3600_000;

export interface ThrottleSubject {
  email: string;
  /** Null only where no client address is known (local tests); the account counter still applies. */
  ip: string | null;
}

export const accountKey = (email: string) => `acct:${email}`;
export const ipKey = (ip: string) => `ip:${ip}`;

function keysOf(s: ThrottleSubject): string[] {
  return s.ip ? [accountKey(s.email), ipKey(s.ip)] : [accountKey(s.email)];
}

/** Lock length after `failures` failures (0 while still within the free ones). */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** Math.min(failures - FREE_FAILURES, 20), MAX_LOCK_MS);
}

/** Throws 429 with Retry-After while either counter is locked. Call before any secret is checked. */
export async function assertNotLocked(ctx: ServiceContext, s: ThrottleSubject): Promise<void> {
  const now = ctx.now();
  const locked = await ctx.db.select({ until: loginThrottle.lockedUntil }).from(loginThrottle)
    .where(and(inArray(loginThrottle.key, keysOf(s)), gt(loginThrottle.lockedUntil, now)));
  const until = Math.max(0, ...locked.map((r) => r.until ?? 0));
  if (until > now) throw tooManyRequests((until - now) / 1000, "too_many_attempts", "Too many failed attempts. Wait before trying again.");
}

/**
 * Counts one failure on each key and starts a lock when the count passes the free ones. The
 * increment and the lock are one UPDATE per key, so concurrent failures cannot lose a count.
 * Each lock that starts is audited for the user (or the global chain for an unknown email).
 */
export async function recordFailure(ctx: ServiceContext, s: ThrottleSubject, userId: string | null): Promise<void> {
  const now = ctx.now();
  for (const key of keysOf(s)) {
    const next = sql`${loginThrottle.failures} + 1`;
    const lockMs = sql`min(${BASE_LOCK_MS} * (1 << min(${next} - ${FREE_FAILURES}, 20)), ${MAX_LOCK_MS})`;
    const [row] = await ctx.db.insert(loginThrottle).values({ key, failures: 1, updatedAt: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: next,
          updatedAt: now,
          lockedUntil: sql`case when ${next} >= ${FREE_FAILURES} then ${now} + ${lockMs} else ${loginThrottle.lockedUntil} end`,
        },
      })
      .returning({ failures: loginThrottle.failures, lockedUntil: loginThrottle.lockedUntil });
    if (row && row.failures >= FREE_FAILURES && row.lockedUntil !== null && row.lockedUntil > now) {
      await auditAuth(ctx, userId, "auth.lockout", {
        scope: key.startsWith("ip:") ? "ip" : "account",
        failures: row.failures,
        lockedUntil: row.lockedUntil,
        ...(userId ? {} : { email: s.email }),
      });
    }
  }
}

/** A correct password (or code) for this account: its failures are forgiven. */
export async function clearAccountFailures(ctx: ServiceContext, email: string): Promise<void> {
  await ctx.db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
}
