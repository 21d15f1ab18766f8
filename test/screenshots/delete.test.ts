/**
 * Deleting screenshots (docs/decisions/0007-screenshot-deletion.md): the member's own deletion removes
 * the slot's time and obeys the workspace setting; a manager's removes only the screenshot; R2 objects
 * go; everything is audited; nothing comes back through an agent's retry.
 */
import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { auditLog } from "../../worker/db/schema";
import { workspaceStub } from "../../worker/services/screenshots/storage";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, signInAgent } from "../tracking-d1/support";
import { fetchImage, iso, MIN, placeEntry, placeShot, placeSlot, r2Bytes, rows, sealedShot, slotOf, upload } from "./support";

const del = (w: RoleWorld, shotId: string, token: string) => api(token, "DELETE", `/api/v1/workspaces/${w.ws}/screenshots/${shotId}`);
const audits = (ws: string, action: string) =>
  ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, action)));
const entries = (ws: string, memberId: string) =>
  rows(ws, "select id, start_ms, end_ms, rev, deleted_at, project_id from time_entries where member_id = ? order by start_ms, id", memberId);
const rollups = (ws: string, memberId: string) => rows(ws, "select local_day, project_id, tracked_s, active_s from day_rollups where member_id = ? order by local_day", memberId);
const setDeletion = (w: RoleWorld, value: "allowed" | "forbidden") =>
  api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { screenshotDeletion: value });

/** An hour of the employee's work on project A, one slot with activity, and a screenshot in it. */
async function trackedHour(w: RoleWorld) {
  const emp = w.roles.employee.memberId;
  // Mid-day UTC, so the hour stays inside one local day of the employee (UTC).
  const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 12 * 60 * MIN;
  const entryId = await placeEntry(w.ws, emp, base, base + 60 * MIN, w.projectA);
  const slotStart = base + 20 * MIN;
  const slotId = await placeSlot(w.ws, emp, slotStart, 600, 420);
  const shot = await placeShot(w.ws, emp, slotStart + 5 * MIN);
  return { emp, base, entryId, slotStart, slotId, shot };
}

describe("DELETE /workspaces/{id}/screenshots/{shotId} by the member", () => {
  it("removes the screenshot, its R2 objects and the time of its 10-minute slot, and audits it", async () => {
    const w = await roleWorld();
    const t = await trackedHour(w);
    expect(await rollups(w.ws, t.emp)).toMatchObject([{ project_id: w.projectA, tracked_s: 3600, active_s: 420 }]);

    const res = await del(w, t.shot.shotId, w.roles.employee.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ removedSeconds: 600 });

    expect(await r2Bytes(t.shot.keys.full)).toBeNull();
    expect(await r2Bytes(t.shot.keys.thumb)).toBeNull();
    expect((await fetchImage(w.roles.employee.token, w.ws, t.shot.shotId, "thumb")).status).toBe(404);
    expect((await rows(w.ws, "select deleted_at from screenshots where id = ?", t.shot.shotId))[0]!.deleted_at).not.toBeNull();

    // The entry is split around the slot; the tail is a new entry with the same project.
    const after = await entries(w.ws, t.emp);
    expect(after.map((e) => [e.start_ms, e.end_ms, e.deleted_at])).toEqual([
      [t.base, t.slotStart, null],
      [t.slotStart + 10 * MIN, t.base + 60 * MIN, null],
    ]);
    expect(after[0]).toMatchObject({ id: t.entryId, rev: 2 });
    expect(after[1]!.project_id).toBe(w.projectA);
    expect(await rows(w.ws, "select tracked_s, active_s, rev from activity_slots where id = ?", t.slotId)).toEqual([{ tracked_s: 0, active_s: 0, rev: 2 }]);
    expect(await rollups(w.ws, t.emp)).toMatchObject([{ project_id: w.projectA, tracked_s: 3000, active_s: 0 }]);

    const [audit] = await audits(w.ws, "screenshot.deleted");
    expect(audit).toMatchObject({ actorUserId: w.roles.employee.userId, targetId: t.shot.shotId });
    expect(JSON.parse(audit!.data)).toMatchObject({ by: "member", memberId: t.emp, removedSeconds: 600, changedEntryIds: [t.entryId] });

    // Deleting again: it is gone.
    expect((await del(w, t.shot.shotId, w.roles.employee.token)).status).toBe(404);
  });

  it("keeps the time removed when the agent replays its older revisions", async () => {
    const w = await roleWorld();
    const t = await trackedHour(w);
    expect((await del(w, t.shot.shotId, w.roles.employee.token)).status).toBe(200);
    const before = await entries(w.ws, t.emp);
    const results = await workspaceStub(env, w.ws).ingest({
      memberId: t.emp, deviceId: "test-device", timeZone: "UTC", clockOffsetMs: 0, receivedAt: Date.now(),
      items: [
        { kind: "time_entry", id: t.entryId, rev: 1, start: iso(t.base), end: iso(t.base + 60 * MIN), projectId: w.projectA, source: "desktop" },
        { kind: "slot", id: t.slotId, rev: 1, slotStart: iso(t.slotStart), trackedSeconds: 600, activeSeconds: 420 },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
    expect(await entries(w.ws, t.emp)).toEqual(before);
    expect(await rollups(w.ws, t.emp)).toMatchObject([{ tracked_s: 3000, active_s: 0 }]);
  });

  it("trims, moves or drops each entry that shares time with the slot", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const s0 = slotOf(Date.now()) - 4 * 60 * MIN;
    const ending = await placeEntry(w.ws, emp, s0 - 5 * MIN, s0 + 3 * MIN, null);
    const inside = await placeEntry(w.ws, emp, s0 + 4 * MIN, s0 + 6 * MIN, null);
    const starting = await placeEntry(w.ws, emp, s0 + 8 * MIN, s0 + 15 * MIN, null);
    const shot = await placeShot(w.ws, emp, s0 + 5 * MIN);
    const res = await del(w, shot.shotId, w.roles.employee.token);
    expect(res.body).toEqual({ removedSeconds: 7 * 60 });
    const after = await entries(w.ws, emp);
    expect(after.map((e) => [e.id, e.start_ms, e.end_ms, e.deleted_at === null])).toEqual([
      [ending, s0 - 5 * MIN, s0, true],
      [inside, s0 + 4 * MIN, s0 + 6 * MIN, false],
      [starting, s0 + 10 * MIN, s0 + 15 * MIN, true],
    ]);
  });

  it("is refused while the workspace forbids it (403) and changes nothing; owners may still delete their own", async () => {
    const w = await roleWorld();
    const t = await trackedHour(w);
    expect((await setDeletion(w, "forbidden")).status).toBe(200);
    const before = { entries: await entries(w.ws, t.emp), rollups: await rollups(w.ws, t.emp) };
    const res = await del(w, t.shot.shotId, w.roles.employee.token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("screenshot_deletion_forbidden");
    expect(await r2Bytes(t.shot.keys.full)).not.toBeNull();
    expect(await entries(w.ws, t.emp)).toEqual(before.entries);
    expect(await rollups(w.ws, t.emp)).toEqual(before.rollups);
    expect(await audits(w.ws, "screenshot.deleted")).toHaveLength(0);
    expect((await fetchImage(w.roles.employee.token, w.ws, t.shot.shotId, "thumb")).status).toBe(200);

    const ownerShot = await placeShot(w.ws, w.roles.owner.memberId, Date.now() - 30 * MIN);
    expect((await del(w, ownerShot.shotId, w.roles.owner.token)).status).toBe(200);
    // Allowed again, the member may.
    await setDeletion(w, "allowed");
    expect((await del(w, t.shot.shotId, w.roles.employee.token)).status).toBe(200);
  });

  it("is refused while a running timer covers the slot (409 timer_running)", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const start = slotOf(Date.now()) - 40 * MIN;
    await placeEntry(w.ws, emp, start, null, w.projectA);
    const shot = await placeShot(w.ws, emp, start + 15 * MIN);
    const res = await del(w, shot.shotId, w.roles.employee.token);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("timer_running");
    expect(await r2Bytes(shot.keys.full)).not.toBeNull();
    expect((await rows(w.ws, "select deleted_at from screenshots where id = ?", shot.shotId))[0]!.deleted_at).toBeNull();
  });

  it("stays deleted when the agent retries the upload", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const publicKey = (await agentSettings(agent.deviceToken)).body.screenshotPublicKey;
    const s = await sealedShot(publicKey, w.ws, agent.memberId, { shotId: v7() });
    expect((await upload(agent.deviceToken, s)).status).toBe(201);
    expect((await del(w, s.shotId, w.roles.employee.token)).status).toBe(200);
    const retry = await upload(agent.deviceToken, s);
    expect(retry.body).toEqual({ shotId: s.shotId, status: "duplicate" });
    expect((await env.SCREENSHOTS.list({ prefix: `ws/${w.ws}/` })).objects).toHaveLength(0);
    expect((await fetchImage(w.roles.employee.token, w.ws, s.shotId, "thumb")).status).toBe(404);
  });
});

describe("DELETE by managers", () => {
  it("a manager in scope removes only the screenshot; the member's time stays", async () => {
    const w = await roleWorld();
    const t = await trackedHour(w);
    await setDeletion(w, "forbidden"); // the setting is about members' own screenshots
    const before = await entries(w.ws, t.emp);
    const res = await del(w, t.shot.shotId, w.roles.team_manager.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ removedSeconds: 0 });
    expect(await r2Bytes(t.shot.keys.full)).toBeNull();
    expect(await entries(w.ws, t.emp)).toEqual(before);
    expect(await rollups(w.ws, t.emp)).toMatchObject([{ tracked_s: 3600, active_s: 420 }]);
    const [audit] = await audits(w.ws, "screenshot.deleted");
    expect(audit!.actorUserId).toBe(w.roles.team_manager.userId);
    expect(JSON.parse(audit!.data)).toMatchObject({ by: "manager", removedSeconds: 0 });
  });

  it("managers out of scope get 404 and change nothing", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.employee2.memberId, Date.now() - 30 * MIN);
    for (const role of ["team_manager", "project_manager", "employee", "project_viewer"] as const) {
      expect((await del(w, shot.shotId, w.roles[role].token)).status, role).toBe(404);
    }
    expect((await del(w, shot.shotId, w.foreign.owner.token)).status).toBe(404);
    expect(await r2Bytes(shot.keys.full)).not.toBeNull();
    expect(await audits(w.ws, "screenshot.deleted")).toHaveLength(0);
  });
});

describe("workspace deletion", () => {
  it("deletes the workspace's screenshot objects and its key", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 30 * MIN);
    const other = await placeShot(w.foreign.ws, w.foreign.owner.memberId, Date.now() - 30 * MIN);
    const res = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}`, { confirmName: "Acme Corp" });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(await r2Bytes(shot.keys.full)).toBeNull();
    expect(await r2Bytes(shot.keys.thumb)).toBeNull();
    expect(await r2Bytes(other.keys.full)).not.toBeNull();
    const keys = await env.DB.prepare("select count(*) as n from workspace_keys where workspace_id = ?").bind(w.ws).first<{ n: number }>();
    expect(keys?.n).toBe(0);
  });
});
