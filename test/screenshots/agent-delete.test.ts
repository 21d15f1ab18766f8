/**
 * The desktop agent deleting its member's own screenshot: DELETE /api/v1/agent/screenshots/{shotId}
 * with a device token. The same deletion as the member's in the web app (ADR 0007: setting, slot
 * time, R2 objects, audit), plus the device id in the audit entry; anyone else's screenshot is a 404
 * whatever the member's role.
 */
import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { auditLog } from "../../worker/db/schema";
import { AGENT_SCREENSHOT_DELETE_LIMIT } from "../../worker/services/screenshots/access";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, signInAgent } from "../tracking-d1/support";
import { fetchImage, MIN, placeEntry, placeShot, placeSlot, r2Bytes, rows, sealedShot, slotOf, upload } from "./support";

const agentDelete = (token: string | null, shotId: string) => api(token, "DELETE", `/api/v1/agent/screenshots/${shotId}`);
const audits = (ws: string) =>
  ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, "screenshot.deleted")));
const entries = (ws: string, memberId: string) =>
  rows(ws, "select id, start_ms, end_ms, rev, deleted_at from time_entries where member_id = ? order by start_ms, id", memberId);
const deletedAt = async (ws: string, shotId: string) => (await rows(ws, "select deleted_at from screenshots where id = ?", shotId))[0]?.deleted_at;
const setDeletion = (w: RoleWorld, value: "allowed" | "forbidden") =>
  api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { screenshotDeletion: value });

/** Half an hour of the employee's work on project A, one slot with activity, and a screenshot in it. */
async function trackedSlot(w: RoleWorld) {
  const emp = w.roles.employee.memberId;
  const base = slotOf(Date.now()) - 3 * 60 * MIN;
  const entryId = await placeEntry(w.ws, emp, base, base + 30 * MIN, w.projectA);
  const slotStart = base + 10 * MIN;
  const slotId = await placeSlot(w.ws, emp, slotStart, 600, 420);
  const shot = await placeShot(w.ws, emp, slotStart + 5 * MIN);
  return { emp, base, entryId, slotStart, slotId, shot };
}

describe("DELETE /agent/screenshots/{shotId}", () => {
  it("deletes the member's own screenshot like the web app: R2 objects, the slot's time, an audit entry naming the device", async () => {
    const w = await roleWorld();
    const t = await trackedSlot(w);
    const agent = await signInAgent(w.roles.employee.token, w.ws);

    const res = await agentDelete(agent.deviceToken, t.shot.shotId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ removedSeconds: 600 });

    expect(await r2Bytes(t.shot.keys.full)).toBeNull();
    expect(await r2Bytes(t.shot.keys.thumb)).toBeNull();
    expect(await deletedAt(w.ws, t.shot.shotId)).not.toBeNull();
    expect((await fetchImage(w.roles.employee.token, w.ws, t.shot.shotId, "thumb")).status).toBe(404);
    // The entry loses exactly the slot; the slot's totals go to zero.
    expect((await entries(w.ws, t.emp)).map((e) => [e.start_ms, e.end_ms, e.deleted_at])).toEqual([
      [t.base, t.slotStart, null],
      [t.slotStart + 10 * MIN, t.base + 30 * MIN, null],
    ]);
    expect(await rows(w.ws, "select tracked_s, active_s from activity_slots where id = ?", t.slotId)).toEqual([{ tracked_s: 0, active_s: 0 }]);

    const list = await audits(w.ws);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ actorUserId: w.roles.employee.userId, targetType: "screenshot", targetId: t.shot.shotId });
    expect(JSON.parse(list[0]!.data)).toMatchObject({
      by: "member", memberId: t.emp, removedSeconds: 600, changedEntryIds: [t.entryId], deviceId: agent.deviceId,
    });

    // Gone: a second delete is a 404 and audits nothing more.
    const again = await agentDelete(agent.deviceToken, t.shot.shotId);
    expect(again.status).toBe(404);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    expect(await audits(w.ws)).toHaveLength(1);
  });

  it("a shot the agent uploaded stays deleted when it retries the upload", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const publicKey = (await agentSettings(agent.deviceToken)).body.screenshotPublicKey;
    const s = await sealedShot(publicKey, w.ws, agent.memberId, { shotId: v7() });
    expect((await upload(agent.deviceToken, s)).status).toBe(201);
    expect((await agentDelete(agent.deviceToken, s.shotId)).status).toBe(200);
    expect((await env.SCREENSHOTS.list({ prefix: `ws/${w.ws}/` })).objects).toHaveLength(0);
    expect((await upload(agent.deviceToken, s)).body).toEqual({ shotId: s.shotId, status: "duplicate" });
  });

  it("is a 403 screenshot_deletion_forbidden while the workspace forbids it, and changes nothing", async () => {
    const w = await roleWorld();
    const t = await trackedSlot(w);
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    expect((await setDeletion(w, "forbidden")).status).toBe(200);
    const before = await entries(w.ws, t.emp);

    const res = await agentDelete(agent.deviceToken, t.shot.shotId);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("screenshot_deletion_forbidden");
    expect(await r2Bytes(t.shot.keys.full)).not.toBeNull();
    expect(await deletedAt(w.ws, t.shot.shotId)).toBeNull();
    expect(await entries(w.ws, t.emp)).toEqual(before);
    expect(await audits(w.ws)).toHaveLength(0);

    // Allowed again, it goes.
    await setDeletion(w, "allowed");
    expect((await agentDelete(agent.deviceToken, t.shot.shotId)).status).toBe(200);
  });

  it("is a 409 timer_running while a running timer covers the slot", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const start = slotOf(Date.now()) - 40 * MIN;
    await placeEntry(w.ws, emp, start, null, w.projectA);
    const shot = await placeShot(w.ws, emp, start + 15 * MIN);
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const res = await agentDelete(agent.deviceToken, shot.shotId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("timer_running");
    expect(await r2Bytes(shot.keys.full)).not.toBeNull();
  });

  it("answers 404 for unknown ids and for anyone else's screenshot, even to devices of managers who may delete it in the web app", async () => {
    const w = await roleWorld();
    const t = await trackedSlot(w);
    const other = await placeShot(w.ws, w.employee2.memberId, Date.now() - 30 * MIN);
    const employee = await signInAgent(w.roles.employee.token, w.ws);

    for (const id of [v7(), "x", "00000000-0000-0000-0000-000000000000", other.shotId]) {
      const res = await agentDelete(employee.deviceToken, id);
      expect(res.status, id).toBe(404);
      expect(res.body.code, id).toBe("not_found");
    }
    // The team manager may delete the employee's screenshot in the web app; the owner anyone's.
    for (const role of ["team_manager", "owner"] as const) {
      const device = await signInAgent(w.roles[role].token, w.ws);
      expect((await agentDelete(device.deviceToken, t.shot.shotId)).status, role).toBe(404);
    }
    const foreign = await signInAgent(w.foreign.owner.token, w.foreign.ws);
    expect((await agentDelete(foreign.deviceToken, t.shot.shotId)).status).toBe(404);

    expect(await r2Bytes(t.shot.keys.full)).not.toBeNull();
    expect(await r2Bytes(other.keys.full)).not.toBeNull();
    expect(await deletedAt(w.ws, t.shot.shotId)).toBeNull();
    expect(await audits(w.ws)).toHaveLength(0);
  });

  it("takes device tokens only: a user's token or none is a 401 and deletes nothing", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 30 * MIN);
    for (const token of [w.roles.employee.token, null, "wtd_not-a-real-token"]) {
      const res = await agentDelete(token, shot.shotId);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_device_token");
    }
    expect(await r2Bytes(shot.keys.full)).not.toBeNull();
  });

  it("is rate limited per device (429 with Retry-After)", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const max = AGENT_SCREENSHOT_DELETE_LIMIT.limit;
    // Unknown shots: each request counts, found or not.
    for (let i = 0; i < max; i++) expect((await agentDelete(agent.deviceToken, v7())).status).toBe(404);
    let limited = await agentDelete(agent.deviceToken, v7());
    // If a minute boundary passed during the loop the new window has room again: fill it too.
    for (let i = 0; limited.status === 404 && i < max; i++) limited = await agentDelete(agent.deviceToken, v7());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
