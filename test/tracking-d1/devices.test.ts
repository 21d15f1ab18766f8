/** The devices list (own / all by role) and revocation with audit. */
import { describe, expect, it } from "vitest";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditOf, deviceRow, signInAgent } from "./support";

describe("devices", () => {
  it("members list their own devices; owners and executives all of the workspace's", async () => {
    const w = await roleWorld();
    const mine = await signInAgent(w.roles.employee.token, w.ws);
    const other = await signInAgent(w.employee2.token, w.ws);
    await signInAgent(w.foreign.owner.token, w.foreign.ws);
    const list = (token: string, q = "") => api(token, "GET", `/api/v1/workspaces/${w.ws}/devices${q}`);

    const own = await list(w.roles.employee.token);
    expect(own.status).toBe(200);
    expect(own.body.items.map((d: { id: string }) => d.id)).toEqual([mine.deviceId]);
    expect(own.body.items[0]).toMatchObject({ memberId: w.roles.employee.memberId, name: "Test laptop", os: "Linux 6.8", agentVersion: "1.0.0", revokedAt: null });
    expect((await list(w.roles.team_manager.token)).body.items).toEqual([]);
    expect((await list(w.roles.project_viewer.token)).body.items).toEqual([]);

    const all = await list(w.roles.executive.token);
    expect(all.body.items.map((d: { id: string }) => d.id)).toEqual([other.deviceId, mine.deviceId]);
    // Paging: newest first, one at a time.
    const p1 = await list(w.roles.owner.token, "?limit=1");
    expect(p1.body.items.map((d: { id: string }) => d.id)).toEqual([other.deviceId]);
    const p2 = await list(w.roles.owner.token, `?limit=1&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items.map((d: { id: string }) => d.id)).toEqual([mine.deviceId]);
    expect(p2.body.nextCursor).toBeNull();
    expect((await list(w.roles.owner.token, `?memberId=${w.employee2.memberId}`)).body.items.map((d: { id: string }) => d.id)).toEqual([other.deviceId]);
    expect((await list(w.roles.owner.token, "?cursor=nope")).status).toBe(422);
  });

  it("a member revokes their own device; revoked devices are listed only on request", async () => {
    const w = await roleWorld();
    const mine = await signInAgent(w.roles.employee.token, w.ws);
    const res = await api(w.roles.employee.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${mine.deviceId}`);
    expect(res.status).toBe(204);
    expect((await deviceRow(mine.deviceId))!.revokedAt).not.toBeNull();
    const [audit] = await auditOf(w.ws, "device.revoked");
    expect(audit).toMatchObject({ actorUserId: w.roles.employee.userId, targetId: mine.deviceId });

    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}/devices`)).body.items).toEqual([]);
    const withRevoked = await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}/devices?includeRevoked=true`);
    expect(withRevoked.body.items).toEqual([expect.objectContaining({ id: mine.deviceId, revokedAt: expect.any(Number) })]);

    // Again: nothing changes, nothing more is audited.
    expect((await api(w.roles.employee.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${mine.deviceId}`)).status).toBe(204);
    expect(await auditOf(w.ws, "device.revoked")).toHaveLength(1);
  });

  it("someone else's device is a 404 for members, and a foreign one for everyone", async () => {
    const w = await roleWorld();
    const other = await signInAgent(w.employee2.token, w.ws);
    const foreign = await signInAgent(w.foreign.owner.token, w.foreign.ws);
    expect((await api(w.roles.employee.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${other.deviceId}`)).status).toBe(404);
    expect((await api(w.roles.team_manager.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${other.deviceId}`)).status).toBe(404);
    expect((await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${foreign.deviceId}`)).status).toBe(404);
    expect((await deviceRow(other.deviceId))!.revokedAt).toBeNull();
    expect((await deviceRow(foreign.deviceId))!.revokedAt).toBeNull();
  });
});
