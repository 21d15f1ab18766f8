import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { hashPasswordWithIterations, PBKDF2_ITERATIONS } from "../../worker/crypto/password";
import { loginThrottle, users } from "../../worker/db/schema";
import { FREE_FAILURES, FREE_FAILURES_PER_ADDRESS, lockDurationMs, MAX_LOCK_MS } from "../../worker/services/auth/throttle";
import { api } from "../helpers/http";
import { addMember, createBareWorkspace, createUser, PASSWORD } from "../helpers/factory";
import { auditRows, db, login, signUpConfirmed, uniqueEmail, userByEmail } from "./helpers";

const WRONG = "definitely not the password";

describe("password sign-in", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers a wrong password and an unknown email with the same 401 body", async () => {
    const { email } = await signUpConfirmed();
    const wrong = await login(email, WRONG);
    const unknown = await login(uniqueEmail("ghost"), WRONG);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.code).toBe("invalid_credentials");
  });

  it("runs one full-cost PBKDF2 for an unknown email, exactly as for a wrong password", async () => {
    const { email } = await signUpConfirmed();
    // The Worker runs in this isolate, so its WebCrypto calls are observable here.
    const spy = vi.spyOn(crypto.subtle, "deriveBits");
    const pbkdf2Runs = () => spy.mock.calls.filter(([alg]) => (alg as Pbkdf2Params).name === "PBKDF2").map(([alg]) => (alg as Pbkdf2Params).iterations);
    await login(email, WRONG);
    const known = pbkdf2Runs();
    spy.mockClear();
    await login(uniqueEmail("ghost"), WRONG);
    const unknown = pbkdf2Runs();
    expect(known).toEqual([PBKDF2_ITERATIONS]);
    expect(unknown).toEqual([PBKDF2_ITERATIONS]);
  });

  it("takes comparable time for unknown and known-wrong emails", async () => {
    const { email } = await signUpConfirmed();
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (e: string) => { const t = performance.now(); await login(e, WRONG); return performance.now() - t; };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved so drift affects both; 4 each stays under the 5 free failures of the account.
    for (let i = 0; i < 4; i++) {
      known.push(await time(email));
      unknown.push(await time(uniqueEmail("ghost")));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("refuses an unconfirmed email only after the password checked out", async () => {
    const u = await createUser({ verified: false });
    const wrong = await login(u.email, WRONG);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_credentials");
    const right = await login(u.email, PASSWORD);
    expect(right.status).toBe(403);
    expect(right.body.code).toBe("email_not_confirmed");
    expect(right.body.accessToken).toBeUndefined();
  });

  it("audits successes and failures in each of the user's workspace chains, unknown emails in the global chain", async () => {
    const ws = await createBareWorkspace();
    const person = await addMember(ws, "employee");
    await login(person.email, WRONG);
    await login(person.email, PASSWORD);
    const failed = await auditRows("auth.login.failed", person.userId);
    const ok = await auditRows("auth.login.succeeded", person.userId);
    expect(failed.map((r) => r.chain)).toEqual([ws]);
    expect(ok.map((r) => r.chain)).toEqual([ws]);
    const ghost = uniqueEmail("ghost");
    await login(ghost, WRONG);
    const globalRows = (await auditRows("auth.login.failed", null)).filter((r) => r.data.includes(ghost));
    expect(globalRows.map((r) => r.chain)).toEqual(["global"]);
  });

  it("upgrades a hash made at a lower cost on the next successful sign-in", async () => {
    const u = await createUser();
    await db().update(users).set({ passwordHash: await hashPasswordWithIterations(PASSWORD, env.PASSWORD_PEPPER, 1000) }).where(eq(users.id, u.id));
    expect((await login(u.email)).status).toBe(200);
    expect((await userByEmail(u.email))!.passwordHash).toMatch(/^pbkdf2-sha256\$v1\$100000\$/);
  });
});

describe("brute-force throttle", () => {
  it("locks an account after 5 failures: 429 with Retry-After, audited, even for the right password", async () => {
    const { email, userId } = await signUpConfirmed();
    for (let i = 0; i < FREE_FAILURES; i++) {
      const r = await login(email, WRONG);
      expect(r.status).toBe(401);
    }
    const locked = await login(email, WRONG);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("too_many_attempts");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);

    const right = await login(email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.accessToken).toBeUndefined();

    const lockouts = await auditRows("auth.lockout", userId);
    expect(lockouts).toHaveLength(1);
    expect(JSON.parse(lockouts[0]!.data)).toMatchObject({ scope: "account", failures: FREE_FAILURES });
    // Attempts during the lock are refused without counting.
    const [row] = await db().select().from(loginThrottle).where(eq(loginThrottle.key, `acct:${email}`));
    expect(row!.failures).toBe(FREE_FAILURES);
  });

  it("doubles the lock after each further failure and forgives on success", async () => {
    const { email } = await signUpConfirmed();
    for (let i = 0; i < FREE_FAILURES; i++) await login(email, WRONG);
    // Let the first lock run out, then fail once more: the next lock is twice as long.
    await db().update(loginThrottle).set({ lockedUntil: Date.now() - 1 }).where(eq(loginThrottle.key, `acct:${email}`));
    expect((await login(email, WRONG)).status).toBe(401);
    const locked = await login(email, WRONG);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(30);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(60);

    await db().update(loginThrottle).set({ lockedUntil: Date.now() - 1 }).where(eq(loginThrottle.key, `acct:${email}`));
    expect((await login(email, PASSWORD)).status).toBe(200);
    expect(await db().select().from(loginThrottle).where(eq(loginThrottle.key, `acct:${email}`))).toHaveLength(0);
  });

  it("computes 2^(n - allowance) × 30 s capped at one hour: 5 free failures per account, 50 per address", () => {
    expect(FREE_FAILURES).toBe(5);
    expect(FREE_FAILURES_PER_ADDRESS).toBe(50);
    expect(lockDurationMs("account", 4)).toBe(0);
    expect(lockDurationMs("account", 5)).toBe(30_000);
    expect(lockDurationMs("account", 6)).toBe(60_000);
    expect(lockDurationMs("account", 9)).toBe(480_000);
    expect(lockDurationMs("account", 12)).toBe(MAX_LOCK_MS);
    expect(lockDurationMs("account", 500)).toBe(MAX_LOCK_MS);
    expect(lockDurationMs("ip", 6)).toBe(0);
    expect(lockDurationMs("ip", 49)).toBe(0);
    expect(lockDurationMs("ip", 50)).toBe(30_000);
    expect(lockDurationMs("ip", 51)).toBe(60_000);
    expect(lockDurationMs("ip", 57)).toBe(MAX_LOCK_MS);
  });

  it("does not lock out an office behind one address over a few typos on different accounts", async () => {
    const ip = "203.0.113.60";
    const colleagues = await Promise.all(Array.from({ length: FREE_FAILURES + 1 }, () => createUser()));
    for (const c of colleagues) expect((await login(c.email, WRONG, { "cf-connecting-ip": ip })).status).toBe(401);
    // Six failures from the address: past the account allowance, far within the address's.
    const [row] = await db().select().from(loginThrottle).where(eq(loginThrottle.key, `ip:${ip}`));
    expect(row).toMatchObject({ failures: FREE_FAILURES + 1, lockedUntil: null });
    const seventh = await createUser();
    expect((await login(seventh.email, PASSWORD, { "cf-connecting-ip": ip })).status).toBe(200);
  });

  it("locks a client address that sprays guesses across different emails once it reaches 50 failures", async () => {
    const ip = "203.0.113.77";
    const { email } = await signUpConfirmed();
    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS - 1; i++) {
      const r = await login(uniqueEmail("spray"), WRONG, { "cf-connecting-ip": ip });
      expect(r.status).toBe(401);
    }
    // One short of the allowance: a correct sign-in still works (and does not reset the address counter).
    expect((await login(email, PASSWORD, { "cf-connecting-ip": ip })).status).toBe(200);
    expect((await login(uniqueEmail("spray"), WRONG, { "cf-connecting-ip": ip })).status).toBe(401);
    const fromIp = await login(email, PASSWORD, { "cf-connecting-ip": ip });
    expect(fromIp.status).toBe(429);
    expect(fromIp.body.code).toBe("too_many_attempts");
    expect(Number(fromIp.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(fromIp.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    const ipLockouts = (await auditRows("auth.lockout", null)).filter((r) => r.ip === ip);
    expect(ipLockouts).toHaveLength(1);
    expect(JSON.parse(ipLockouts[0]!.data)).toMatchObject({ scope: "ip", failures: FREE_FAILURES_PER_ADDRESS });
    // The refused attempt did not count.
    const [row] = await db().select().from(loginThrottle).where(eq(loginThrottle.key, `ip:${ip}`));
    expect(row!.failures).toBe(FREE_FAILURES_PER_ADDRESS);
    // The account itself is not locked: the same person from another address gets in.
    expect((await login(email, PASSWORD, { "cf-connecting-ip": "198.51.100.9" })).status).toBe(200);
  });

  it("still locks an account after 5 failures spread over 5 different addresses", async () => {
    const { email, userId } = await signUpConfirmed();
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await login(email, WRONG, { "cf-connecting-ip": `198.51.100.${20 + i}` })).status).toBe(401);
    }
    const fresh = await login(email, PASSWORD, { "cf-connecting-ip": "198.51.100.40" });
    expect(fresh.status).toBe(429);
    expect(fresh.body.accessToken).toBeUndefined();
    const lockouts = await auditRows("auth.lockout", userId);
    expect(lockouts.map((r) => JSON.parse(r.data).scope)).toEqual(["account"]);
  });
});
