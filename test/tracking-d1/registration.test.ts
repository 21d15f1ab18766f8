/**
 * Signing the agent in: by one-time code (single use, expiry, workspace binding, throttled per
 * address) and by password (throttle, two-factor), and who may do it.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deviceCodes, devices, members, workspaces } from "../../worker/db/schema";
import { hashDeviceCode } from "../../worker/services/tracking/deviceSecrets";
import { REGISTER_LIMIT } from "../../worker/services/tracking/rateLimit";
import { enable2fa, totp } from "../auth/helpers";
import { PASSWORD, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, auditOf, db, DEVICE, deviceRow, freshIp, issueCode, register } from "./support";

describe("one-time code", () => {
  it("issues an 8-character Crockford code that registers a device bound to the member, once", async () => {
    const w = await roleWorld();
    const code = await issueCode(w.roles.employee.token, w.ws);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    const [stored] = await db().select().from(deviceCodes).where(eq(deviceCodes.memberId, w.roles.employee.memberId));
    expect(stored!.codeHash).not.toContain(code);
    expect(stored!.expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(stored!.expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    const res = await register({ code });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ deviceId: expect.any(String), deviceToken: expect.stringMatching(/^wtd_[A-Za-z0-9_-]{43}$/), workspaceId: w.ws, memberId: w.roles.employee.memberId });
    const d = await deviceRow(res.body.deviceId);
    expect(d).toMatchObject({ workspaceId: w.ws, memberId: w.roles.employee.memberId, name: DEVICE.name, os: DEVICE.os, agentVersion: DEVICE.agentVersion, revokedAt: null });
    expect(d!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d!.tokenHash).not.toBe(res.body.deviceToken);
    const [audit] = await auditOf(w.ws, "device.registered");
    expect(audit).toMatchObject({ actorUserId: w.roles.employee.userId, targetId: res.body.deviceId });
    expect(JSON.parse(audit!.data)).toMatchObject({ via: "code", memberId: w.roles.employee.memberId });

    const again = await register({ code });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe("invalid_device_code");
  });

  it("accepts the code as people type it: lower case, a hyphen, O for 0 and I/L for 1", async () => {
    const w = await roleWorld();
    const code = await issueCode(w.roles.employee.token, w.ws);
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase().replace(/0/g, "o").replace(/1/g, "l");
    expect((await register({ code: typed })).status).toBe(201);
  });

  it("refuses an expired code", async () => {
    const w = await roleWorld();
    const code = await issueCode(w.roles.employee.token, w.ws);
    await db().update(deviceCodes).set({ expiresAt: Date.now() - 1 }).where(eq(deviceCodes.codeHash, await hashDeviceCode(code, env.PASSWORD_PEPPER)));
    const res = await register({ code });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_device_code");
    expect(await db().select().from(devices).where(eq(devices.memberId, w.roles.employee.memberId))).toHaveLength(0);
  });

  it("refuses a code of another workspace when the agent names its workspace, and keeps the code usable", async () => {
    const w = await roleWorld();
    const code = await issueCode(w.roles.employee.token, w.ws);
    const wrong = await register({ code, workspaceId: w.foreign.ws });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_device_code");
    const right = await register({ code, workspaceId: w.ws });
    expect(right.status).toBe(201);
    expect(right.body.workspaceId).toBe(w.ws);
  });

  it("a device signed in to one workspace gets that workspace's settings only", async () => {
    const w = await roleWorld();
    const a = await register({ code: await issueCode(w.roles.owner.token, w.ws) });
    const b = await register({ code: await issueCode(w.foreign.owner.token, w.foreign.ws) });
    expect((await agentSettings(a.body.deviceToken)).body.workspaceId).toBe(w.ws);
    expect((await agentSettings(b.body.deviceToken)).body.workspaceId).toBe(w.foreign.ws);
  });

  it("codes are for members who record time: project viewers get 403, outsiders 404", async () => {
    const w = await roleWorld();
    const viewer = await api(w.roles.project_viewer.token, "POST", `/api/v1/workspaces/${w.ws}/devices/code`);
    expect(viewer.status).toBe(403);
    const outsider = await api(w.foreign.owner.token, "POST", `/api/v1/workspaces/${w.ws}/devices/code`);
    expect(outsider.status).toBe(404);
    expect(await db().select().from(deviceCodes).where(eq(deviceCodes.workspaceId, w.ws))).toHaveLength(0);
  });

  it("a code is worthless once its member is deactivated", async () => {
    const w = await roleWorld();
    const code = await issueCode(w.roles.employee.token, w.ws);
    await db().update(members).set({ status: "deactivated" }).where(eq(members.id, w.roles.employee.memberId));
    expect((await register({ code })).status).toBe(401);
  });

  it("limits attempts per client address (429 with Retry-After), so the short codes cannot be guessed", async () => {
    const ip = freshIp();
    for (let i = 0; i < REGISTER_LIMIT.limit; i++) {
      expect((await register({ code: "ZZZZZZZZ" }, ip)).status).toBe(401);
    }
    const blocked = await register({ code: "ZZZZZZZZ" }, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await register({ code: "ZZZZZZZZ" })).status).toBe(401);
  });
});

describe("email and password", () => {
  it("registers with the member's credentials and the workspace id", async () => {
    const w = await roleWorld();
    const res = await register({ email: w.roles.team_manager.email, password: PASSWORD, workspaceId: w.ws });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.memberId).toBe(w.roles.team_manager.memberId);
    const [audit] = await auditOf(w.ws, "device.registered");
    expect(JSON.parse(audit!.data)).toMatchObject({ via: "password" });
  });

  it("a wrong password is a 401 that counts towards the sign-in throttle", async () => {
    const w = await roleWorld();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const res = await register({ email: w.roles.employee.email, password: "wrong password here", workspaceId: w.ws }, ip);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_credentials");
    }
    const locked = await register({ email: w.roles.employee.email, password: PASSWORD, workspaceId: w.ws }, freshIp());
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("too_many_attempts");
    expect(await db().select().from(devices).where(eq(devices.memberId, w.roles.employee.memberId))).toHaveLength(0);
  });

  it("a workspace the person is not a member of is a 404", async () => {
    const w = await roleWorld();
    const res = await register({ email: w.roles.employee.email, password: PASSWORD, workspaceId: w.foreign.ws });
    expect(res.status).toBe(404);
  });

  it("asks for the second factor, refuses a wrong one, accepts a right one once", async () => {
    const w = await roleWorld();
    const { secret, recoveryCodes } = await enable2fa(w.roles.employee.token);
    const creds = { email: w.roles.employee.email, password: PASSWORD, workspaceId: w.ws };

    const missing = await register(creds);
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("two_factor_code_required");

    const wrong = await register({ ...creds, totpCode: totp(secret, 6) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_two_factor_code");

    const code = totp(secret, 1);
    expect((await register({ ...creds, totpCode: code })).status).toBe(201);
    const replay = await register({ ...creds, totpCode: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("two_factor_code_reused");

    expect((await register({ ...creds, totpCode: recoveryCodes[0]! })).status).toBe(201);
  });

  it("a workspace that requires two-factor refuses agents of people without it", async () => {
    const w = await roleWorld();
    await db().update(workspaces).set({ require2fa: true }).where(eq(workspaces.id, w.ws));
    const res = await register({ email: w.roles.employee.email, password: PASSWORD, workspaceId: w.ws });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("two_factor_required");
  });

  it("project viewers record no time and cannot sign an agent in", async () => {
    const w = await roleWorld();
    const res = await register({ email: w.roles.project_viewer.email, password: PASSWORD, workspaceId: w.ws });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("devices_not_allowed");
  });
});

describe("malformed registrations are 422 and create nothing", () => {
  it.each([
    ["no credentials", {}],
    ["code and password together", { code: "ABCDEFGH", email: "a@example.test", password: "x" }],
    ["password without workspace", { email: "a@example.test", password: "x" }],
    ["unknown field", { code: "ABCDEFGH", admin: true }],
    ["device name too long", { code: "ABCDEFGH", device: { ...DEVICE, name: "x".repeat(101) } }],
    ["device info missing", { code: "ABCDEFGH", device: { name: "x" } }],
  ])("%s", async (_name, body) => {
    const before = (await db().select().from(devices)).length;
    const res = await register(body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect((await db().select().from(devices)).length).toBe(before);
  });
});
