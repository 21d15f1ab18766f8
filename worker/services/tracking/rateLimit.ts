/**
 * Fixed-window request limits for the agent routes (per device) and device registration (per client
 * address). A window is aligned to the clock (floor(now / window)); the counter lives in D1 as one
 * row per key, incremented and reset by a single UPSERT, so concurrent requests cannot lose a count
 * and no read-then-write race lets extra requests through. Over the limit: 429 with Retry-After
 * (seconds until the window ends). Agent requests count per device inside their authentication
 * round trip (agentAuth.ts, key `device:<id>:<limit name>`, same UPSERT rules).
 */
import { lt, sql } from "drizzle-orm";
import { rateWindows } from "../../db/schema";
import { tooManyRequests } from "../../http/problem";
import type { ServiceContext } from "../context";

export interface RateLimit {
  /** Part of the counter key: limits with different names count separately. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * An agent uploads a batch every few minutes and sends a heartbeat about once a minute; these leave
 * ample room for retries after a network drop while stopping a runaway or stolen token.
 */
export const AGENT_LIMITS = {
  batch: { name: "batch", limit: 60, windowMs: 60_000 },
  heartbeat: { name: "heartbeat", limit: 20, windowMs: 60_000 },
  settings: { name: "settings", limit: 30, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

/** Sign-in attempts of agents from one address (on top of the password throttle). */
export const REGISTER_LIMIT: RateLimit = { name: "register", limit: 20, windowMs: 10 * 60_000 };

export const ipRateKey = (ip: string | null, limit: RateLimit) => `ip:${ip ?? "unknown"}:${limit.name}`;

export interface RateDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the current window ends. */
  resetInMs: number;
}

/** Counts one request against `key` and says whether it is within the limit. */
export async function hitRateLimit(ctx: ServiceContext, key: string, limit: RateLimit): Promise<RateDecision> {
  const now = ctx.now();
  const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
  const [row] = await ctx.db.insert(rateWindows).values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateWindows.key,
      set: {
        // A request of a newer window starts the count again; one of the same window adds to it (a
        // straggler whose clock is a little behind another isolate's counts in the newer window).
        count: sql`case when excluded.window_start > ${rateWindows.windowStart} then 1 else ${rateWindows.count} + 1 end`,
        windowStart: sql`max(${rateWindows.windowStart}, excluded.window_start)`,
      },
    })
    .returning({ count: rateWindows.count });
  const counted = row?.count ?? 1;
  return { allowed: counted <= limit.limit, count: counted, resetInMs: windowStart + limit.windowMs - now };
}

/** Throws 429 `rate_limited` with Retry-After when `key` is over `limit` in the current window. */
export async function enforceRateLimit(ctx: ServiceContext, key: string, limit: RateLimit, detail = "Too many requests. Wait before sending more."): Promise<void> {
  const d = await hitRateLimit(ctx, key, limit);
  if (!d.allowed) throw tooManyRequests(d.resetInMs / 1000, "rate_limited", detail);
}
