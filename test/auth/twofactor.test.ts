import { describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { recoveryCodes } from "../../worker/db/schema";
import { hashRecoveryCode } from "../../worker/crypto/totp";
import { api } from "../helpers/http";
import { PASSWORD } from "../helpers/factory";
import { auditRows, db, enable2fa, login, signUpConfirmed, totp, userByEmail } from "./helpers";

async function signedIn() {
  const u = await signUpConfirmed();
  const token: string = (await login(u.email)).body.accessToken;
  return { ...u, token };
}


describe("two-factor enrolment", () => {
  it("sets up with an otpauth URI and QR, enables with a valid code, stores recovery codes hashed", async () => {
    const u = await signedIn();
    const setup = await api(u.token, "POST", "/api/v1/me/2fa/setup");
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=/);
    expect(setup.body.otpauthUri).toContain(encodeURIComponent(u.email));
    expect(setup.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect((await userByEmail(u.email))!.totpEnabledAt).toBeNull();

    const wrong = await api(u.token, "POST", "/api/v1/me/2fa/enable", { code: totp(setup.body.secret, 5) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: "code", code: "invalid_two_factor_code" })]);
    expect((await userByEmail(u.email))!.totpEnabledAt).toBeNull();

    const ok = await api(u.token, "POST", "/api/v1/me/2fa/enable", { code: totp(setup.body.secret) });
    expect(ok.status).toBe(200);
    const codes: string[] = ok.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, u.userId));
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.codeHash).sort()).toEqual((await Promise.all(codes.map(hashRecoveryCode))).sort());
    expect(stored.some((r) => codes.includes(r.codeHash))).toBe(false);
    expect(await auditRows("auth.2fa.enabled", u.userId)).toHaveLength(1);

    expect((await api(u.token, "POST", "/api/v1/me/2fa/setup")).body.code).toBe("two_factor_already_enabled");
    expect((await api(u.token, "GET", "/api/v1/me")).body.twoFactorEnabled).toBe(true);
  });

  it("refuses to enable without a set-up first", async () => {
    const u = await signedIn();
    const res = await api(u.token, "POST", "/api/v1/me/2fa/enable", { code: "123456" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("two_factor_not_set_up");
  });
});

describe("two-step sign-in", () => {
  it("asks for the second step, rejects a wrong code, accepts a right one once", async () => {
    const u = await signedIn();
    const { secret } = await enable2fa(u.token);

    const step1 = await login(u.email);
    expect(step1.status).toBe(200);
    expect(step1.body).toEqual({ twoFactorRequired: true, challenge: expect.any(String) });
    expect(step1.body.accessToken).toBeUndefined();

    const wrong = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: step1.body.challenge, code: totp(secret, 5) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_two_factor_code");

    const code = totp(secret, 1); // enable used the current step; the next one is still in the window
    const ok = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: step1.body.challenge, code });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    expect((await api(ok.body.accessToken, "GET", "/api/v1/me")).status).toBe(200);

    // The same code, even with a fresh challenge, is refused: it was used in its window.
    const again = await login(u.email);
    const reuse = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: again.body.challenge, code });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe("two_factor_code_reused");
    expect((await auditRows("auth.login.succeeded", u.userId)).map((r) => JSON.parse(r.data).amr)).toContainEqual(["pwd", "otp"]);
  });

  it("accepts each recovery code once only", async () => {
    const u = await signedIn();
    const { recoveryCodes: codes } = await enable2fa(u.token);
    const challenge = async () => (await login(u.email)).body.challenge as string;

    const first = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: await challenge(), recoveryCode: codes[0]!.toUpperCase() });
    expect(first.status).toBe(200);
    const second = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: await challenge(), recoveryCode: codes[0] });
    expect(second.status).toBe(401);
    expect(second.body.code).toBe("invalid_two_factor_code");
    const used = await db().select().from(recoveryCodes).where(and(eq(recoveryCodes.userId, u.userId), isNull(recoveryCodes.usedAt)));
    expect(used).toHaveLength(9);
    expect(await auditRows("auth.recovery_code.used", u.userId)).toHaveLength(1);
  });

  it("rejects a forged or foreign challenge and both factors at once", async () => {
    const u = await signedIn();
    const { secret } = await enable2fa(u.token);
    const forged = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.xxxxxxxxxxxxxxxx", code: totp(secret, 1) });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe("invalid_challenge");
    // An access token is a JWT too, but for another purpose.
    const foreign = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge: u.token, code: totp(secret, 1) });
    expect(foreign.body.code).toBe("invalid_challenge");
    const { challenge } = (await login(u.email)).body;
    const both = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge, code: totp(secret, 1), recoveryCode: "abcde-fghjk" });
    expect(both.status).toBe(422);
    const neither = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge });
    expect(neither.status).toBe(422);
  });

  it("throttles code guessing like password guessing", async () => {
    const u = await signedIn();
    const { secret } = await enable2fa(u.token);
    const { challenge } = (await login(u.email)).body;
    for (let i = 0; i < 5; i++) {
      const r = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge, code: totp(secret, 7) });
      expect(r.status).toBe(401);
    }
    const locked = await api(null, "POST", "/api/v1/auth/login/2fa", { challenge, code: totp(secret, 1) });
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBeTruthy();
    // The password step does not reset the counter for someone who only knows the password.
    expect((await login(u.email)).status).toBe(429);
  });

  it("turns off with password + code, and needs both", async () => {
    const u = await signedIn();
    const { secret } = await enable2fa(u.token);
    const badPw = await api(u.token, "POST", "/api/v1/me/2fa/disable", { password: "not my password at all", code: totp(secret, 1) });
    expect(badPw.status).toBe(422);
    expect(badPw.body.errors).toEqual([expect.objectContaining({ field: "password", code: "incorrect_password" })]);
    const badCode = await api(u.token, "POST", "/api/v1/me/2fa/disable", { password: PASSWORD, code: totp(secret, 6) });
    expect(badCode.status).toBe(422);
    expect((await userByEmail(u.email))!.totpEnabledAt).not.toBeNull();

    const ok = await api(u.token, "POST", "/api/v1/me/2fa/disable", { password: PASSWORD, code: totp(secret, 1) });
    expect(ok.status).toBe(204);
    const after = await userByEmail(u.email);
    expect(after).toMatchObject({ totpEnabledAt: null, totpSecret: null });
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, u.userId))).toHaveLength(0);
    expect(await auditRows("auth.2fa.disabled", u.userId)).toHaveLength(1);
    expect((await login(u.email)).body.accessToken).toEqual(expect.any(String));
  });

  it("regenerates recovery codes with a code; the old ones stop working", async () => {
    const u = await signedIn();
    const { secret, recoveryCodes: old } = await enable2fa(u.token);
    const res = await api(u.token, "POST", "/api/v1/me/2fa/recovery-codes", { code: totp(secret, 1) });
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(res.body.recoveryCodes).not.toContain(old[0]);
    const { challenge } = (await login(u.email)).body;
    expect((await api(null, "POST", "/api/v1/auth/login/2fa", { challenge, recoveryCode: old[0] })).status).toBe(401);
    expect((await api(null, "POST", "/api/v1/auth/login/2fa", { challenge, recoveryCode: res.body.recoveryCodes[0] })).status).toBe(200);
  });
});
