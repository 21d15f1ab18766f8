import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { sha256Hex } from "../../worker/crypto/encoding";
import { refreshTokens, sessions } from "../../worker/db/schema";
import { REFRESH_REUSE_GRACE_MS } from "../../worker/services/sessions";
import { api } from "../helpers/http";
import { PASSWORD } from "../helpers/factory";
import { auditRows, db, linkToken, login, mailsTo, signUpConfirmed, uniqueEmail } from "./helpers";

const NEW_PASSWORD = "a brand new passphrase 2024!";

async function twoSessions() {
  const u = await signUpConfirmed();
  const a = (await login(u.email)).body;
  const b = (await login(u.email)).body;
  return { ...u, a, b };
}

const me = (token: string) => api(token, "GET", "/api/v1/me").then((r) => r.status);

describe("refresh tokens", () => {
  it("rotates: a refresh returns new tokens and uses up the old refresh token", async () => {
    const u = await signUpConfirmed();
    const first = (await login(u.email)).body;
    const next = await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(first.refreshToken);
    expect(next.body.sessionId).toBe(first.sessionId);
    expect(await me(next.body.accessToken)).toBe(200);

    // Within the grace window a repeat is treated as a racing duplicate, not theft.
    const racing = await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(racing.status).toBe(409);
    expect(racing.body.code).toBe("refresh_token_already_rotated");
    expect(await me(next.body.accessToken)).toBe(200);
  });

  it("revokes the whole session when an old refresh token comes back after the grace window", async () => {
    const u = await signUpConfirmed();
    const first = (await login(u.email)).body;
    const next = (await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken })).body;
    // Age the use of the first token past the grace window.
    const aged = await db().update(refreshTokens).set({ usedAt: Date.now() - REFRESH_REUSE_GRACE_MS - 1000 })
      .where(eq(refreshTokens.tokenHash, await sha256Hex(first.refreshToken))).returning();
    expect(aged).toHaveLength(1);

    const reuse = await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe("invalid_refresh_token");
    // The thief and the victim are both out: access and the newest refresh token are dead.
    expect(await me(next.accessToken)).toBe(401);
    expect((await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: next.refreshToken })).status).toBe(401);
    const [s] = await db().select().from(sessions).where(eq(sessions.id, first.sessionId));
    expect(s!.revokeReason).toBe("refresh_token_reuse");
  });

  it("refuses a made-up refresh token", async () => {
    const res = await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: "x".repeat(43) });
    expect(res.status).toBe(401);
  });
});

describe("sign-out", () => {
  it("revokes the current session only and clears the cookies", async () => {
    const { a, b } = await twoSessions();
    const res = await api(a.accessToken, "POST", "/api/v1/auth/logout");
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join("\n")).toMatch(/__Host-wt_at=; Path=\/; Max-Age=0/);
    expect(await me(a.accessToken)).toBe(401);
    expect((await api(null, "POST", "/api/v1/auth/refresh", { refreshToken: a.refreshToken })).status).toBe(401);
    expect(await me(b.accessToken)).toBe(200);
  });

  it("revokes the session of a refresh token sent in the body", async () => {
    const { a } = await twoSessions();
    expect((await api(null, "POST", "/api/v1/auth/logout", { refreshToken: a.refreshToken })).status).toBe(204);
    expect(await me(a.accessToken)).toBe(401);
  });
});

describe("change password", () => {
  it("needs the current password, revokes the other sessions and keeps this one", async () => {
    const u = await twoSessions();
    const wrong = await api(u.a.accessToken, "POST", "/api/v1/me/password", { currentPassword: "not the current one", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: "currentPassword", code: "incorrect_password" })]);
    expect(await me(u.b.accessToken)).toBe(200);

    const weak = await api(u.a.accessToken, "POST", "/api/v1/me/password", { currentPassword: PASSWORD, newPassword: "short" });
    expect(weak.status).toBe(422);
    expect(weak.body.errors).toEqual([expect.objectContaining({ field: "newPassword", code: "password_too_short" })]);

    const ok = await api(u.a.accessToken, "POST", "/api/v1/me/password", { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.status).toBe(204);
    expect(await me(u.a.accessToken)).toBe(200);
    expect(await me(u.b.accessToken)).toBe(401);
    expect((await login(u.email, PASSWORD)).status).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
    expect(await auditRows("auth.password.changed", u.userId)).toHaveLength(1);
  });
});

describe("password reset", () => {
  it("mails a single-use link that sets a new password and revokes every session", async () => {
    const u = await twoSessions();
    const res = await api(null, "POST", "/api/v1/auth/password/forgot", { email: u.email });
    expect(res.status).toBe(202);
    const token = await linkToken(u.email, "/reset-password");

    const weak = await api(null, "POST", "/api/v1/auth/password/reset", { token, password: "password123" });
    expect(weak.status).toBe(422);
    expect(weak.body.errors).toEqual([expect.objectContaining({ field: "password", code: "password_common" })]);

    // The refused password did not burn the link.
    const ok = await api(null, "POST", "/api/v1/auth/password/reset", { token, password: NEW_PASSWORD });
    expect(ok.status).toBe(200);
    expect(await me(u.a.accessToken)).toBe(401);
    expect(await me(u.b.accessToken)).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
    expect((await login(u.email, PASSWORD)).status).toBe(401);
    expect(await auditRows("auth.password.reset", u.userId)).toHaveLength(1);

    const again = await api(null, "POST", "/api/v1/auth/password/reset", { token, password: "yet another passphrase 99" });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("invalid_token");
  });

  it("answers the same for an unknown email and mails nothing", async () => {
    const u = await signUpConfirmed();
    const known = await api(null, "POST", "/api/v1/auth/password/forgot", { email: u.email });
    const ghost = uniqueEmail("ghost");
    const unknown = await api(null, "POST", "/api/v1/auth/password/forgot", { email: ghost });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(await mailsTo(ghost)).toHaveLength(0);
  });

  it("refuses an expired link", async () => {
    const u = await signUpConfirmed();
    await api(null, "POST", "/api/v1/auth/password/forgot", { email: u.email });
    const token = await linkToken(u.email, "/reset-password");
    await db().run(sql`update email_tokens set expires_at = ${Date.now() - 1} where purpose = 'reset_password' and user_id = ${u.userId}`);
    const res = await api(null, "POST", "/api/v1/auth/password/reset", { token, password: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect((await login(u.email, PASSWORD)).status).toBe(200);
  });
});

describe("session list", () => {
  it("lists my sessions, marks the current one, and revokes another", async () => {
    const u = await twoSessions();
    const list = await api(u.a.accessToken, "GET", "/api/v1/me/sessions");
    expect(list.status).toBe(200);
    const items = list.body.items as { id: string; current: boolean }[];
    expect(items.map((s) => s.id).sort()).toEqual([u.a.sessionId, u.b.sessionId].sort());
    expect(items.find((s) => s.current)?.id).toBe(u.a.sessionId);

    expect((await api(u.a.accessToken, "DELETE", `/api/v1/me/sessions/${u.b.sessionId}`)).status).toBe(204);
    expect(await me(u.b.accessToken)).toBe(401);
    expect(await me(u.a.accessToken)).toBe(200);
    expect((await api(u.a.accessToken, "GET", "/api/v1/me/sessions")).body.items).toHaveLength(1);
  });

  it("cannot revoke someone else's session (404) and theirs keeps working", async () => {
    const mine = await twoSessions();
    const theirs = await twoSessions();
    const res = await api(mine.a.accessToken, "DELETE", `/api/v1/me/sessions/${theirs.a.sessionId}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect(await me(theirs.a.accessToken)).toBe(200);
    expect((await api(mine.a.accessToken, "DELETE", "/api/v1/me/sessions/not-a-session")).status).toBe(404);
  });

  it("requires a principal", async () => {
    expect((await api(null, "GET", "/api/v1/me/sessions")).status).toBe(401);
    expect((await api(null, "GET", "/api/v1/me")).body.code).toBe("unauthenticated");
  });
});
