import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, members, sessions, users, workspaces } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { createBareWorkspace, createUser, ctx, PASSWORD, roleWorld, tokenFor } from "../helpers/factory";
import { api } from "../helpers/http";

describe("account deletion", () => {
  it("deletes the account, its sessions, memberships and workspaces where it was alone; audits elsewhere", async () => {
    const w = await roleWorld();
    const db = ctx().db;
    const alone = await createBareWorkspace("Solo");
    await db.insert(members).values({ id: newId(), workspaceId: alone, userId: w.roles.employee.userId, role: "owner", displayName: "E" });

    const wrong = await api(w.roles.employee.token, "DELETE", "/api/v1/me", { password: "not my password at all" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].field).toBe("password");
    expect(await db.select().from(users).where(eq(users.id, w.roles.employee.userId))).toHaveLength(1);

    const ok = await api(w.roles.employee.token, "DELETE", "/api/v1/me", { password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.deletedWorkspaces).toEqual([alone]);
    expect(await db.select().from(users).where(eq(users.id, w.roles.employee.userId))).toHaveLength(0);
    expect(await db.select().from(members).where(eq(members.userId, w.roles.employee.userId))).toHaveLength(0);
    expect(await db.select().from(sessions).where(eq(sessions.userId, w.roles.employee.userId))).toHaveLength(0);
    expect(await db.select().from(workspaces).where(eq(workspaces.id, alone))).toHaveLength(0);
    expect((await api(w.roles.employee.token, "GET", "/api/v1/me")).status).toBe(401);
    // The shared workspace keeps working and its audit chain records the departure, intact.
    const entries = await db.select().from(auditLog).where(and(eq(auditLog.chain, w.ws), eq(auditLog.action, "member.account_deleted")));
    expect(entries).toHaveLength(1);
    expect((await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/audit/verify`)).body.ok).toBe(true);
    expect((await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/members`)).body.items).toHaveLength(6);
  });

  it("refuses while the person is the only owner of a workspace others use, and changes nothing", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "DELETE", "/api/v1/me", { password: PASSWORD });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("sole_owner");
    expect(r.body.detail).toContain("Acme Corp");
    expect(await ctx().db.select().from(users).where(eq(users.id, w.roles.owner.userId))).toHaveLength(1);
    // With a second owner it goes through.
    await ctx().db.update(members).set({ role: "owner" }).where(eq(members.id, w.roles.executive.memberId));
    expect((await api(w.roles.owner.token, "DELETE", "/api/v1/me", { password: PASSWORD })).status).toBe(200);
  });

  it("asks for the second factor when two-factor is on", async () => {
    const u = await createUser();
    await ctx().db.update(users).set({ totpEnabledAt: Date.now(), totpSecret: "JBSWY3DPEHPK3PXP" }).where(eq(users.id, u.id));
    const t = await tokenFor(u.id, ["pwd", "otp"]);
    const r = await api(t, "DELETE", "/api/v1/me", { password: PASSWORD });
    expect(r.status).toBe(422);
    expect(await ctx().db.select().from(users).where(eq(users.id, u.id))).toHaveLength(1);
  });
});

describe("account deletion from the account page", () => {
  it("deletes through the form, clears the cookies and lands signed out", async () => {
    const { Browser } = await import("../helpers/http");
    const { createSession } = await import("../../worker/services/sessions");
    const { ACCESS_COOKIE, REFRESH_COOKIE } = await import("../../worker/http/cookies");
    const u = await createUser();
    const t = await createSession(ctx(), u.id, "browser", ["pwd"]);
    const b = new Browser();
    b.cookies.set(ACCESS_COOKIE, t.accessToken);
    b.cookies.set(REFRESH_COOKIE, t.refreshToken);
    const wrong = await b.fetch("/account", { method: "POST", form: { intent: "delete", password: "wrong password here" } });
    expect(wrong.status).toBe(422);
    const res = await b.fetch("/account", { method: "POST", form: { intent: "delete", password: PASSWORD } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/?deleted=1");
    expect(b.cookies.size).toBe(0);
    expect(await ctx().db.select().from(users).where(eq(users.id, u.id))).toHaveLength(0);
  });
});

describe("account deletion removes tracking data", () => {
  it("forgets the member's entries, slots, usage and screenshots (rows and R2 ciphertext) in workspaces they leave", async () => {
    const { env } = await import("cloudflare:test");
    const { v7 } = await import("uuid");
    const { placeShot } = await import("../screenshots/support");
    const { signInAgent } = await import("../tracking-d1/support");
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const start = Date.now() - 3600_000;
    const items = [
      { kind: "time_entry", id: v7(), rev: 1, start: new Date(start).toISOString(), end: new Date(start + 600_000).toISOString(), source: "desktop" },
      { kind: "usage", id: v7(), app: "Code", start: new Date(start).toISOString(), end: new Date(start + 60_000).toISOString() },
    ];
    expect((await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items })).status).toBe(200);
    const shot = await placeShot(w.ws, w.roles.employee.memberId, start + 120_000, v7());
    const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName(w.ws)) as DurableObjectStub<import("../../worker/workspace/WorkspaceObject").WorkspaceObject>;
    expect((await stub.memberDay(w.roles.employee.memberId, start - 1, Date.now())).entries).toHaveLength(1);

    expect((await api(w.roles.employee.token, "DELETE", "/api/v1/me", { password: PASSWORD })).status).toBe(200);
    const day = await stub.memberDay(w.roles.employee.memberId, 0, Date.now() + 60_000);
    expect([day.entries.length, day.usage.length, day.slots.length]).toEqual([0, 0, 0]);
    expect(await env.SCREENSHOTS.get(shot.keys.full)).toBeNull();
    expect(await env.SCREENSHOTS.get(shot.keys.thumb)).toBeNull();
  });
});
