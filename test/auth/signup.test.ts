import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { users, mailOutbox } from "../../worker/db/schema";
import { api } from "../helpers/http";
import { PASSWORD } from "../helpers/factory";
import { db, linkToken, login, mailsTo, uniqueEmail, userByEmail } from "./helpers";

describe("sign-up and email confirmation", () => {
  it("signs up, mails a confirmation link, confirms, then signs in", async () => {
    const email = uniqueEmail("new");
    const res = await api(null, "POST", "/api/v1/auth/signup", { email: `  ${email.toUpperCase()} `, name: "Ada", password: PASSWORD, timeZone: "europe/berlin" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email, status: "confirmation_sent" });

    const u = await userByEmail(email);
    expect(u?.emailVerifiedAt).toBeNull();
    expect(u?.timeZone).toBe("Europe/Berlin");
    expect(u?.passwordHash).toMatch(/^pbkdf2-sha256\$v1\$100000\$/);
    expect(u?.passwordHash).not.toContain(PASSWORD);

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain("http://localhost/confirm?token=");

    const before = await login(email);
    expect(before.status).toBe(403);
    expect(before.body.code).toBe("email_not_confirmed");

    const token = await linkToken(email, "/confirm");
    const confirmed = await api(null, "POST", "/api/v1/auth/confirm", { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ email, confirmed: true });
    expect((await userByEmail(email))?.emailVerifiedAt).toEqual(expect.any(Number));

    // Single use.
    const again = await api(null, "POST", "/api/v1/auth/confirm", { token });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("invalid_token");

    const after = await login(email);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresAt: expect.any(Number) });
    const me = await api(after.body.accessToken, "GET", "/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, name: "Ada", emailVerified: true, twoFactorEnabled: false, workspaces: [] });
  });

  it.each([
    ["short", "abc12345", "password_too_short"],
    ["common", "password123", "password_common"],
    ["contains the email", "my {local} passphrase", "password_contains_email"],
  ])("refuses a %s password with 422 on field `password` and creates nothing", async (_label, template, code) => {
    const local = `adalovelace${Math.random().toString(36).slice(2, 8)}`;
    const email = `${local}@example.test`;
    const password = template.replace("{local}", local);
    const res = await api(null, "POST", "/api/v1/auth/signup", { email, name: "Ada", password });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "password", code })]);
    expect(await userByEmail(email)).toBeUndefined();
    expect(await mailsTo(email)).toHaveLength(0);
  });

  it("refuses an unknown time zone on field `timeZone`", async () => {
    const email = uniqueEmail();
    const res = await api(null, "POST", "/api/v1/auth/signup", { email, name: "Ada", password: PASSWORD, timeZone: "Mars/Olympus" });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "timeZone", code: "invalid_time_zone" })]);
    expect(await userByEmail(email)).toBeUndefined();
  });

  it("answers a second sign-up with the same email identically, mails the owner, and keeps their password", async () => {
    const email = uniqueEmail("dup");
    const first = await api(null, "POST", "/api/v1/auth/signup", { email, name: "First", password: PASSWORD });
    const hashBefore = (await userByEmail(email))!.passwordHash;
    const second = await api(null, "POST", "/api/v1/auth/signup", { email, name: "Second", password: "another long passphrase 42" });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    const after = await userByEmail(email);
    expect(after!.passwordHash).toBe(hashBefore);
    expect(after!.name).toBe("First");
    const mails = await mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining("already have"), expect.stringContaining("Confirm")]);
    // The "already have an account" mail offers a reset link, not a confirmation of the other password.
    expect(mails[0]!.text).toContain("/reset-password?token=");
    expect(mails[0]!.text).not.toContain("/confirm?token=");
  });

  it("resends a confirmation link only for unconfirmed accounts, with the same answer for any address", async () => {
    const email = uniqueEmail("resend");
    await api(null, "POST", "/api/v1/auth/signup", { email, name: "R", password: PASSWORD });
    const firstToken = await linkToken(email, "/confirm");
    // Backdate the first link so the one-a-minute limit lets a new one out.
    await db().run(sql`update email_tokens set created_at = created_at - 120000`);
    const r1 = await api(null, "POST", "/api/v1/auth/confirm/resend", { email });
    const r2 = await api(null, "POST", "/api/v1/auth/confirm/resend", { email: uniqueEmail("nobody") });
    expect(r1.status).toBe(202);
    expect(r2.status).toBe(202);
    expect(r2.body).toEqual(r1.body);
    expect(await mailsTo(email)).toHaveLength(2);
    // A second resend within the minute sends nothing more.
    await api(null, "POST", "/api/v1/auth/confirm/resend", { email });
    expect(await mailsTo(email)).toHaveLength(2);
    const secondToken = await linkToken(email, "/confirm");
    expect(secondToken).not.toBe(firstToken);
    expect((await api(null, "POST", "/api/v1/auth/confirm", { token: secondToken })).status).toBe(200);
  });

  it("rejects a made-up confirmation token", async () => {
    const res = await api(null, "POST", "/api/v1/auth/confirm", { token: "A".repeat(43) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_token");
  });
});

describe("bad input changes nothing", () => {
  const count = async () => {
    const [u] = await db().select({ n: sql<number>`count(*)` }).from(users);
    const [m] = await db().select({ n: sql<number>`count(*)` }).from(mailOutbox);
    return { users: u!.n, mails: m!.n };
  };

  it("malformed JSON is 400", async () => {
    const before = await count();
    const res = await api(null, "POST", "/api/v1/auth/signup", '{"email": "x@example.test", "name":');
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.code).toBe("malformed_request");
    expect(await count()).toEqual(before);
  });

  it("an unknown field is 422 naming it", async () => {
    const before = await count();
    const email = uniqueEmail();
    const res = await api(null, "POST", "/api/v1/auth/signup", { email, name: "X", password: PASSWORD, isAdmin: true });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "isAdmin", code: "unknown_field" })]);
    expect(await count()).toEqual(before);
    expect(await userByEmail(email)).toBeUndefined();
  });

  it("an oversize body is 413", async () => {
    const before = await count();
    const res = await api(null, "POST", "/api/v1/auth/signup", { email: uniqueEmail(), name: "X", password: PASSWORD, pad: "x".repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
    expect(await count()).toEqual(before);
  });

  it("a bad email is 422 on field `email`", async () => {
    const before = await count();
    const res = await api(null, "POST", "/api/v1/auth/signup", { email: "not-an-email", name: "X", password: PASSWORD });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "email" })]);
    expect(await count()).toEqual(before);
  });

  it("changing my profile validates the time zone and leaves the row alone on error", async () => {
    const { signUpConfirmed } = await import("./helpers");
    const { email } = await signUpConfirmed();
    const token = (await login(email)).body.accessToken;
    const bad = await api(token, "PATCH", "/api/v1/me", { timeZone: "Nowhere/Land" });
    expect(bad.status).toBe(422);
    expect((await userByEmail(email))!.timeZone).toBe("UTC");
    const ok = await api(token, "PATCH", "/api/v1/me", { name: "Renamed", timeZone: "America/New_York" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Renamed", timeZone: "America/New_York" });
    const [row] = await db().select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ name: "Renamed", timeZone: "America/New_York" });
    expect((await api(token, "PATCH", "/api/v1/me", {})).status).toBe(400);
  });
});
