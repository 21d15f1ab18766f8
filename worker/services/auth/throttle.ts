/**
 * Brute-force protection for anything that checks a password or a second-factor code.
 *
 * Two counters per attempt: `acct:<email>` (someone guessing one person's password from many
 * addresses) and `ip:<address>` (one address spraying guesses over many accounts). Each kind has its
 * own allowance of free failures: FREE_FAILURES (5) for an account, FREE_FAILURES_PER_ADDRESS (50)
 * for an address, because a whole office or school behind one NAT address shares that counter and
 * five typos among all of them must not lock everyone out. The failure that reaches the allowance
 * locks the key for 30 s, and each failure after that doubles it (2^(failures - allowance) × 30 s),
 * capped at one hour. Attempts made while locked are refused without checking the password and
 * without counting, so a locked account cannot be pushed into ever longer lockouts by a flood. A
 * success clears the account counter only: clearing the IP counter would let an attacker reset it
 * by signing in to an account of their own.
 * Counters idle for a day are deleted by the hourly housekeeping.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { loginThrottle } from "../../db/schema";
import { tooManyRequests } from "../../http/problem";
import type { ServiceContext } from "../context";
import { auditAuth } from "./auditAuth";

/** Free failures of one account's counter. */
export const FREE_FAILURES = 5;
/** Free failures of one client address's counter: many people may share it (office NAT, campus). */
export const FREE_FAILURES_PER_ADDRESS = 50;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 3600_000;

export type ThrottleKind = "account" | "ip";

const ALLOWANCE: Record<ThrottleKind, number> = { account: FREE_FAILURES, ip: FREE_FAILURES_PER_ADDRESS };

export interface ThrottleSubject {
  email: string;
  /** Null only where no client address is known (local tests); the account counter still applies. */
  ip: string | null;
}

export const accountKey = (email: string) => `acct:${email}`;
export const ipKey = (ip: string) => `ip:${ip}`;

interface Counter {
  key: string;
  kind: ThrottleKind;
}

function countersOf(s: ThrottleSubject): Counter[] {
  const account: Counter = { key: accountKey(s.email), kind: "account" };
  return s.ip ? [account, { key: ipKey(s.ip), kind: "ip" }] : [account];
}

/** Lock length for a counter of this kind after `failures` failures (0 while still within its free ones). */
export function lockDurationMs(kind: ThrottleKind, failures: number): number {
  const free = ALLOWANCE[kind];
  if (failures < free) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** Math.min(failures - free, 20), MAX_LOCK_MS);
}

/** Throws 429 with Retry-After while either counter is locked. Call before any secret is checked. */
export async function assertNotLocked(ctx: ServiceContext, s: ThrottleSubject): Promise<void> {
  const now = ctx.now();
  const locked = await ctx.db.select({ until: loginThrottle.lockedUntil }).from(loginThrottle)
    .where(and(inArray(loginThrottle.key, countersOf(s).map((c) => c.key)), gt(loginThrottle.lockedUntil, now)));
  const until = Math.max(0, ...locked.map((r) => r.until ?? 0));
  if (until > now) throw tooManyRequests((until - now) / 1000, "too_many_attempts", "Too many failed attempts. Wait before trying again.");
}

/**
 * Counts one failure on each key and, once a key's count reaches its allowance, locks it for
 * lockDurationMs. The increment is a single UPDATE, so concurrent failures cannot lose a count;
 * the lock only ever grows (max), so of two concurrent failures the one that counted further wins
 * whichever writes last. Each lock that starts is audited for the user (or the global chain for an
 * unknown email).
 */
export async function recordFailure(ctx: ServiceContext, s: ThrottleSubject, userId: string | null): Promise<void> {
  const now = ctx.now();
  for (const { key, kind } of countersOf(s)) {
    const [counted] = await ctx.db.insert(loginThrottle).values({ key, failures: 1, updatedAt: now })
      .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: sql`${loginThrottle.failures} + 1`, updatedAt: now } })
      .returning({ failures: loginThrottle.failures });
    const lockMs = counted ? lockDurationMs(kind, counted.failures) : 0;
    if (!counted || lockMs === 0) continue;
    const [row] = await ctx.db.update(loginThrottle)
      .set({ lockedUntil: sql`max(coalesce(${loginThrottle.lockedUntil}, 0), ${now + lockMs})` })
      .where(eq(loginThrottle.key, key))
      .returning({ lockedUntil: loginThrottle.lockedUntil });
    await auditAuth(ctx, userId, "auth.lockout", {
      scope: kind,
      failures: counted.failures,
      lockedUntil: row?.lockedUntil ?? now + lockMs,
      ...(userId ? {} : { email: s.email }),
    });
  }
}

/** A correct password (or code) for this account: its failures are forgiven. */
export async function clearAccountFailures(ctx: ServiceContext, email: string): Promise<void> {
  await ctx.db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
}
