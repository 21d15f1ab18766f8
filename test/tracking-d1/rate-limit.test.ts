/** The fixed-window limiter, directly (window arithmetic) and on the agent routes (429 + Retry-After). */
import { describe, expect, it } from "vitest";
import { newId } from "../../worker/db/ids";
import { AGENT_LIMITS, enforceRateLimit, hitRateLimit, type RateLimit } from "../../worker/services/tracking/rateLimit";
import { AppError } from "../../worker/http/problem";
import { ctx, roleWorld } from "../helpers/factory";
import { agentSettings, heartbeat, signInAgent } from "./support";

const clockAt = (ms: number) => ({ ...ctx(), now: () => ms });
const limit: RateLimit = { name: "test", limit: 3, windowMs: 60_000 };

describe("fixed-window rate limit", () => {
  it("allows `limit` requests per window, then refuses until the window ends", async () => {
    const key = `test:${newId()}`;
    const t0 = 1_800_000_000_000; // a window boundary (divisible by 60 000)
    for (let i = 1; i <= 3; i++) {
      expect(await hitRateLimit(clockAt(t0 + i * 1000), key, limit)).toEqual({ allowed: true, count: i, resetInMs: 60_000 - i * 1000 });
    }
    expect(await hitRateLimit(clockAt(t0 + 59_000), key, limit)).toEqual({ allowed: false, count: 4, resetInMs: 1000 });
    // The next window starts from zero.
    expect(await hitRateLimit(clockAt(t0 + 60_000), key, limit)).toMatchObject({ allowed: true, count: 1 });
    // A straggler stamped in the previous window counts in the newer one rather than resetting it.
    expect(await hitRateLimit(clockAt(t0 + 59_999), key, limit)).toMatchObject({ count: 2 });
  });

  it("keys count separately", async () => {
    const t = 1_800_000_000_000;
    const a = `test:${newId()}`, b = `test:${newId()}`;
    for (let i = 0; i < 4; i++) await hitRateLimit(clockAt(t), a, limit);
    expect(await hitRateLimit(clockAt(t), b, limit)).toMatchObject({ allowed: true, count: 1 });
  });

  it("enforceRateLimit throws a 429 rate_limited with Retry-After in whole seconds", async () => {
    const key = `test:${newId()}`;
    const t = 1_800_000_000_000 + 58_500;
    for (let i = 0; i < 3; i++) await enforceRateLimit(clockAt(t), key, limit);
    const err = await enforceRateLimit(clockAt(t), key, limit).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 429, code: "rate_limited", headers: { "retry-after": "2" } });
  });

  it("applies per device on the agent routes", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const b = await signInAgent(w.roles.employee.token, w.ws);
    for (let i = 0; i < AGENT_LIMITS.heartbeat.limit; i++) expect((await heartbeat(a.deviceToken)).status).toBe(200);
    let refused = await heartbeat(a.deviceToken);
    // If a minute boundary passed during the loop the new window has room again: fill it too.
    for (let i = 0; refused.status === 200 && i < AGENT_LIMITS.heartbeat.limit; i++) refused = await heartbeat(a.deviceToken);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Other endpoints and other devices have their own counters.
    expect((await agentSettings(a.deviceToken)).status).toBe(200);
    expect((await heartbeat(b.deviceToken)).status).toBe(200);
  });
});
