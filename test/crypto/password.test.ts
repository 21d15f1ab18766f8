import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isCommonPassword } from "../../worker/crypto/common-passwords";
import {
  checkPasswordPolicy,
  hashPassword,
  hashPasswordWithIterations,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../../worker/crypto/password";

// Parsed rather than cast so the test doesn't depend on how Env is typed for the test pool.
const { PASSWORD_PEPPER: pepper } = z.object({ PASSWORD_PEPPER: z.string().min(32) }).parse(env);
const otherPepper = "another-pepper-0123456789abcdef0123456789";
const PASSWORD = "correct horse battery staple";

const HASH_RE = /^pbkdf2-sha256\$v1\$(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

describe("hashPassword / verifyPassword", () => {
  it("round-trips and does not need a rehash", async () => {
    const stored = await hashPassword(PASSWORD, pepper);
    expect(await verifyPassword(PASSWORD, stored, pepper)).toEqual({ ok: true, needsRehash: false });
  });

  it("rejects a wrong password", async () => {
    const stored = await hashPassword(PASSWORD, pepper);
    expect(await verifyPassword("correct horse battery stapler", stored, pepper)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword("", stored, pepper)).toMatchObject({ ok: false });
  });

  it("uses a fresh salt per hash", async () => {
    const a = await hashPassword(PASSWORD, pepper);
    const b = await hashPassword(PASSWORD, pepper);
    expect(a).not.toBe(b);
    expect(a.split("$")[3]).not.toBe(b.split("$")[3]);
    expect((await verifyPassword(PASSWORD, b, pepper)).ok).toBe(true);
  });

  it("depends on the pepper (same password and salt, other pepper fails)", async () => {
    const stored = await hashPassword(PASSWORD, pepper);
    expect((await verifyPassword(PASSWORD, stored, otherPepper)).ok).toBe(false);
    // And the derived bytes really differ for the same salt: graft another pepper's hash onto this salt.
    const other = await hashPassword(PASSWORD, otherPepper);
    const [s, v, i, salt] = stored.split("$");
    const forged = [s, v, i, salt, other.split("$")[4]].join("$");
    expect((await verifyPassword(PASSWORD, forged, pepper)).ok).toBe(false);
  });

  it("writes the versioned format with the current iteration count", async () => {
    // Production Workers throw above 100,000 PBKDF2 iterations while local workerd doesn't: pin it.
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    const stored = await hashPassword(PASSWORD, pepper);
    const m = HASH_RE.exec(stored);
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBe(PBKDF2_ITERATIONS);
  });

  it("normalizes Unicode so composed and decomposed input match", async () => {
    const stored = await hashPassword("caf\u00e9 au lait, bitte", pepper);
    expect((await verifyPassword("cafe\u0301 au lait, bitte", stored, pepper)).ok).toBe(true);
  });

  it("returns ok:false for an unknown user (stored null) after doing the same work", async () => {
    expect(await verifyPassword(PASSWORD, null, pepper)).toEqual({ ok: false, needsRehash: false });
  });

  it("never throws on malformed stored strings", async () => {
    const valid = await hashPassword(PASSWORD, pepper);
    const [s, v, i, salt, hash] = valid.split("$");
    const malformed = [
      "",
      "$",
      "garbage",
      "pbkdf2-sha256$v1$100000$$",
      `pbkdf2-sha256$v2$${i}$${salt}$${hash}`,
      `bcrypt$v1$${i}$${salt}$${hash}`,
      `${s}$${v}$abc$${salt}$${hash}`,
      `${s}$${v}$0$${salt}$${hash}`,
      `${s}$${v}$-1$${salt}$${hash}`,
      `${s}$${v}$0100000$${salt}$${hash}`,
      `${s}$${v}$600000$${salt}$${hash}`, // above the production cap
      `${s}$${v}$1e5$${salt}$${hash}`,
      `${s}$${v}$${i}$${salt}!$${hash}`,
      `${s}$${v}$${i}$${salt}$${hash}x`, // length % 4 === 1
      `${s}$${v}$${i}$${salt?.slice(0, 10)}$${hash}`, // short salt
      `${s}$${v}$${i}$${salt}$${hash?.slice(0, 20)}`, // short hash
      `${valid}$extra`,
      "$2b$10$abcdefghijklmnopqrstuu5Q4h1bFQ2R7m0t5lZp6vA8Qe7h0Y6e",
    ];
    for (const stored of malformed) {
      await expect(verifyPassword(PASSWORD, stored, pepper), stored).resolves.toEqual({ ok: false, needsRehash: false });
    }
  });

  it("flags a lower-iteration hash for rehash but still accepts it", async () => {
    const old = await hashPasswordWithIterations(PASSWORD, pepper, 1_000);
    expect(old).toMatch(/^pbkdf2-sha256\$v1\$1000\$/);
    expect(await verifyPassword(PASSWORD, old, pepper)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword("wrong password!!", old, pepper)).toEqual({ ok: false, needsRehash: false });
  });

  it("refuses to hash above the production iteration cap", async () => {
    await expect(hashPasswordWithIterations(PASSWORD, pepper, PBKDF2_ITERATIONS + 1)).rejects.toThrow(RangeError);
  });
});

describe("checkPasswordPolicy", () => {
  it("rejects short passwords", () => {
    expect(checkPasswordPolicy("short")?.code).toBe("password_too_short");
    expect(checkPasswordPolicy("nine char")?.code).toBe("password_too_short");
    // Code points, not UTF-16 units: 5 emoji are 10 units but 5 characters.
    expect(checkPasswordPolicy("😀😀😀😀😀")?.code).toBe("password_too_short");
  });

  it("rejects overly long passwords", () => {
    expect(checkPasswordPolicy("a".repeat(257))?.code).toBe("password_too_long");
    expect(checkPasswordPolicy("xq7!".repeat(64))).toBeNull(); // exactly 256
  });

  it("rejects common passwords case-insensitively", () => {
    for (const pw of ["password1234", "qwertyuiop", "1234567890", "password123", "iloveyou12", "QwErTyUiOp", "PASSWORD1234"]) {
      expect(checkPasswordPolicy(pw)?.code, pw).toBe("password_common");
    }
    expect(isCommonPassword("Password123")).toBe(true);
    expect(isCommonPassword("glacier-umbrella-tango-41")).toBe(false);
  });

  it("rejects passwords containing the email local part", () => {
    const v = checkPasswordPolicy("Alice.Smith-2024!", { email: "alice.smith@example.com" });
    expect(v?.code).toBe("password_contains_email");
    expect(v?.detail).toBeTruthy();
    // A short local part is not checked (would reject too many good passphrases).
    expect(checkPasswordPolicy("bobsled tournament", { email: "bob@example.com" })).toBeNull();
  });

  it("accepts a good passphrase", () => {
    expect(checkPasswordPolicy("glacier-umbrella-tango-41")).toBeNull();
    expect(checkPasswordPolicy("glacier-umbrella-tango-41", { email: "alice.smith@example.com", name: "Alice" })).toBeNull();
  });
});
