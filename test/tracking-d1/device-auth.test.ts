/**
 * Device tokens: they work only as themselves (never as a user token, and user tokens never on the
 * agent endpoints), and stop working at once on revocation, deactivation or removal.
 */
import { eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { devices, members, rateWindows, workspaces } from "../../worker/db/schema";
import { DEVICE_IDLE_EXPIRY_MS } from "../../worker/services/tracking/agentAuth";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, db, deviceRow, heartbeat, signInAgent } from "./support";

describe("device tokens", () => {
  it("each token identifies its own device", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const b = await signInAgent(w.roles.employee.token, w.ws);
    const c = await signInAgent(w.employee2.token, w.ws);
    expect(new Set([a.deviceToken, b.deviceToken, c.deviceToken]).size).toBe(3);
    expect((await agentSettings(a.deviceToken)).body).toMatchObject({ deviceId: a.deviceId, memberId: w.roles.employee.memberId });
    expect((await agentSettings(b.deviceToken)).body).toMatchObject({ deviceId: b.deviceId, memberId: w.roles.employee.memberId });
    expect((await agentSettings(c.deviceToken)).body).toMatchObject({ deviceId: c.deviceId, memberId: w.employee2.memberId });
  });

  it("a device token is not a user token, and a user token is not a device token", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.owner.token, w.ws);
    expect((await api(a.deviceToken, "GET", "/api/v1/me")).status).toBe(401);
    expect((await api(a.deviceToken, "GET", `/api/v1/workspaces/${w.ws}/tracking-settings`)).status).toBe(401);
    expect((await api(a.deviceToken, "GET", `/api/v1/workspaces/${w.ws}/devices`)).status).toBe(401);

    const asUser = await agentSettings(w.roles.owner.token);
    expect(asUser.status).toBe(401);
    expect(asUser.body.code).toBe("invalid_device_token");
    expect((await heartbeat(w.roles.owner.token)).status).toBe(401);
  });

  it.each([
    ["no header", null],
    ["unknown token", `wtd_${"A".repeat(43)}`],
    ["wrong prefix", `wtx_${"A".repeat(43)}`],
    ["truncated", "wtd_abc"],
    ["hostile", "wtd_' OR 1=1 --"],
  ])("refuses %s with 401", async (_name, token) => {
    const res = await agentSettings(token as string);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_device_token");
  });

  it("a revoked device gets 401 on its very next request", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    expect((await agentSettings(a.deviceToken)).status).toBe(200);
    const del = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${a.deviceId}`);
    expect(del.status).toBe(204);
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
    expect((await heartbeat(a.deviceToken)).status).toBe(401);
  });

  it("a deactivated member's device gets 401 (through the members API, at once)", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const res = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/deactivate`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
    // Reactivation does not bring old devices back: they were revoked and must sign in again.
    expect((await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/reactivate`)).status).toBe(200);
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
  });

  it("deactivation alone (even without the device being revoked) is enough", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    await db().update(members).set({ status: "deactivated" }).where(eq(members.id, w.roles.employee.memberId));
    expect((await deviceRow(a.deviceId))!.revokedAt).toBeNull();
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
  });

  it("a removed member's device gets 401", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    expect((await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}`)).status).toBe(204);
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
  });

  it("stops working when the workspace starts requiring two-factor the person lacks", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    await db().update(workspaces).set({ require2fa: true }).where(eq(workspaces.id, w.ws));
    expect((await agentSettings(a.deviceToken)).status).toBe(401);
  });

  it("records last seen time and address, at most once a minute", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    await db().update(devices).set({ lastSeenAt: Date.now() - 120_000, lastIp: null }).where(eq(devices.id, a.deviceId));
    await api(a.deviceToken, "GET", "/api/v1/agent/settings", undefined, { "cf-connecting-ip": "192.0.2.7" });
    const first = await deviceRow(a.deviceId);
    expect(first!.lastIp).toBe("192.0.2.7");
    expect(Date.now() - first!.lastSeenAt!).toBeLessThan(10_000);
    await api(a.deviceToken, "GET", "/api/v1/agent/settings", undefined, { "cf-connecting-ip": "192.0.2.8" });
    const second = await deviceRow(a.deviceId);
    expect(second!.lastIp).toBe("192.0.2.7");
    expect(second!.lastSeenAt).toBe(first!.lastSeenAt);
  });

  it("expires after 90 days without use; a device in use never does", async () => {
    const w = await roleWorld();
    const idle = await signInAgent(w.roles.employee.token, w.ws);
    const used = await signInAgent(w.roles.employee.token, w.ws);
    const neverUsed = await signInAgent(w.roles.employee.token, w.ws);
    const now = Date.now();
    await db().update(devices).set({ lastSeenAt: now - DEVICE_IDLE_EXPIRY_MS - 60_000 }).where(eq(devices.id, idle.deviceId));
    await db().update(devices).set({ lastSeenAt: now - DEVICE_IDLE_EXPIRY_MS + 3600_000 }).where(eq(devices.id, used.deviceId));
    await db().update(devices).set({ lastSeenAt: null, createdAt: now - DEVICE_IDLE_EXPIRY_MS - 60_000 }).where(eq(devices.id, neverUsed.deviceId));

    for (const token of [idle.deviceToken, neverUsed.deviceToken]) {
      const res = await agentSettings(token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("device_token_expired");
      expect((await heartbeat(token)).status).toBe(401);
      const batch = await api(token, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [] });
      expect(batch.status).toBe(401);
    }
    // Refused requests are not counted and do not revive the device.
    expect((await deviceRow(idle.deviceId))!.lastSeenAt).toBe(now - DEVICE_IDLE_EXPIRY_MS - 60_000);
    expect(await db().select().from(rateWindows).where(like(rateWindows.key, `device:${idle.deviceId}:%`))).toEqual([]);

    // A day short of the limit it works, and the request moves the clock forward again.
    expect((await agentSettings(used.deviceToken)).status).toBe(200);
    expect(Date.now() - (await deviceRow(used.deviceId))!.lastSeenAt!).toBeLessThan(10_000);
  });

  it("a well-shaped unknown token leaves no rate counter behind", async () => {
    const token = `wtd_${"Z".repeat(43)}`;
    const before = await db().select().from(rateWindows);
    for (let i = 0; i < 3; i++) expect((await heartbeat(token)).status).toBe(401);
    expect(await db().select().from(rateWindows)).toEqual(before);
  });
});
