/**
 * Retention: the Worker's scheduled handler deletes screenshots older than each workspace's
 * screenshot_retention_days, R2 objects and rows (with their view records), and keeps recent ones.
 * It wakes only the objects of workspaces whose D1 marker (workspaces.oldest_screenshot_at) says
 * something is due, or is unknown.
 */
import { createExecutionContext, env, listDurableObjectIds, waitOnExecutionContext } from "cloudflare:test";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { NO_SCREENSHOTS, trackingSettings } from "../../worker/db/schema";
import { lowerOldestScreenshot, runScreenshotRetention } from "../../worker/services/screenshots/retention";
import { workspaceStub } from "../../worker/services/screenshots/storage";
import { createBareWorkspace, ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { fetchImage, MIN, placeShot, r2Bytes, retentionMarker, rows, setRetentionMarker } from "./support";

const DAY = 24 * 60 * MIN;
const MEMBER = v7();

/** Whether the workspace's object was ever created (waking it would create it). */
async function objectExists(ws: string): Promise<boolean> {
  const id = env.WORKSPACE.idFromName(ws);
  return (await listDurableObjectIds(env.WORKSPACE)).some((x) => x.equals(id));
}

const shotIds = async (ws: string) => (await rows(ws, "select id from screenshots order by taken_at_ms")).map((r) => r.id);

async function expectGone(...shots: { keys: { full: string; thumb: string } }[]) {
  for (const s of shots) {
    expect(await r2Bytes(s.keys.full)).toBeNull();
    expect(await r2Bytes(s.keys.thumb)).toBeNull();
  }
}

describe("screenshot retention", () => {
  it("the scheduled handler removes objects and rows past each workspace's retention and keeps the rest", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const now = Date.now();
    // Default retention (30 days) in w; 7 days in the foreign workspace.
    const old = await placeShot(w.ws, emp, now - 31 * DAY);
    const recent = await placeShot(w.ws, emp, now - 20 * DAY);
    const foreignOld = await placeShot(w.foreign.ws, w.foreign.owner.memberId, now - 8 * DAY);
    const foreignRecent = await placeShot(w.foreign.ws, w.foreign.owner.memberId, now - 6 * DAY);
    expect((await api(w.foreign.owner.token, "PATCH", `/api/v1/workspaces/${w.foreign.ws}/tracking-settings`, { screenshotRetentionDays: 7 })).status).toBe(200);
    // A view record of the old shot goes with it.
    expect((await fetchImage(w.roles.owner.token, w.ws, old.shotId)).status).toBe(200);
    // A screenshot deleted earlier whose object deletion failed: retention finishes the job.
    const deletedEarlier = await placeShot(w.ws, emp, now - 40 * DAY);
    await rows(w.ws, "update screenshots set deleted_at = ? where id = ?", now - 39 * DAY, deletedEarlier.shotId);

    const ctx = createExecutionContext();
    await worker.scheduled({ cron: "17 * * * *", scheduledTime: now, noRetry() {} }, env, ctx);
    await waitOnExecutionContext(ctx);

    for (const gone of [old, foreignOld, deletedEarlier]) {
      expect(await r2Bytes(gone.keys.full)).toBeNull();
      expect(await r2Bytes(gone.keys.thumb)).toBeNull();
    }
    for (const kept of [recent, foreignRecent]) {
      expect(await r2Bytes(kept.keys.full)).not.toBeNull();
      expect(await r2Bytes(kept.keys.thumb)).not.toBeNull();
    }
    expect((await rows(w.ws, "select id from screenshots")).map((r) => r.id)).toEqual([recent.shotId]);
    expect((await rows(w.foreign.ws, "select id from screenshots")).map((r) => r.id)).toEqual([foreignRecent.shotId]);
    expect(await rows(w.ws, "select * from screenshot_views")).toEqual([]);
    expect((await fetchImage(w.roles.owner.token, w.ws, recent.shotId, "thumb")).status).toBe(200);
  });

  it("follows a fixed clock and is idempotent", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const t0 = Date.now() - 10 * DAY;
    const a = await placeShot(w.ws, emp, t0);
    const b = await placeShot(w.ws, emp, t0 + 2 * DAY);
    // 31 days after a: a is past the 30-day retention, b is not yet.
    await runScreenshotRetention(env, t0 + 31 * DAY);
    await runScreenshotRetention(env, t0 + 31 * DAY);
    expect(await r2Bytes(a.keys.full)).toBeNull();
    expect(await r2Bytes(b.keys.full)).not.toBeNull();
    expect((await workspaceStub(env, w.ws).expiredScreenshots(t0 + 33 * DAY, 10)).map((s) => s.id)).toEqual([b.shotId]);
  });
});

describe("screenshot retention wakes only workspaces with something to delete", () => {
  it("leaves workspaces without due screenshots asleep and purges the due ones, setting their markers", async () => {
    const now = Date.now();
    const empty = await createBareWorkspace("Empty");
    const fresh = await createBareWorkspace("Fresh");
    const mixed = await createBareWorkspace("Mixed");
    const allOld = await createBareWorkspace("All old");
    expect(await retentionMarker(empty)).toBe(NO_SCREENSHOTS);
    const freshShot = await placeShot(fresh, MEMBER, now - 2 * DAY);
    // Lower than the truth but not due (30-day retention): a wake-up would correct it, so it staying proves none happened.
    await setRetentionMarker(fresh, now - 5 * DAY);
    const mixedOld = await placeShot(mixed, MEMBER, now - 31 * DAY);
    const mixedNew = await placeShot(mixed, MEMBER, now - 2 * DAY);
    const old1 = await placeShot(allOld, MEMBER, now - 40 * DAY);
    const old2 = await placeShot(allOld, MEMBER, now - 35 * DAY);
    expect(await retentionMarker(mixed)).toBe(now - 31 * DAY);
    expect(await objectExists(empty)).toBe(false);

    const report = await runScreenshotRetention(env, now);
    expect(report.failed).toEqual([]);

    expect(await objectExists(empty)).toBe(false);
    expect(await retentionMarker(empty)).toBe(NO_SCREENSHOTS);
    expect(await retentionMarker(fresh)).toBe(now - 5 * DAY);
    expect(await r2Bytes(freshShot.keys.full)).not.toBeNull();

    await expectGone(mixedOld, old1, old2);
    expect(await shotIds(mixed)).toEqual([mixedNew.shotId]);
    expect(await r2Bytes(mixedNew.keys.full)).not.toBeNull();
    expect(await retentionMarker(mixed)).toBe(now - 2 * DAY);
    expect(await shotIds(allOld)).toEqual([]);
    expect(await retentionMarker(allOld)).toBe(NO_SCREENSHOTS);

    // Nothing is due any more: a second run wakes none of them (their markers say so).
    const again = await runScreenshotRetention(env, now);
    expect(again.deleted).toBe(0);
    expect(await retentionMarker(fresh)).toBe(now - 5 * DAY);
  });

  it("checks a workspace whose marker is unknown (from before the column) once, and sets it", async () => {
    const now = Date.now();
    const legacy = await createBareWorkspace("Legacy");
    const untracked = await createBareWorkspace("Legacy, never tracked");
    const old = await placeShot(legacy, MEMBER, now - 45 * DAY);
    const kept = await placeShot(legacy, MEMBER, now - 3 * DAY);
    for (const ws of [legacy, untracked]) await setRetentionMarker(ws, null);
    // A new shot does not make an unknown marker known: the object may hold older ones.
    await lowerOldestScreenshot(ctx().db, legacy, now - DAY);
    expect(await retentionMarker(legacy)).toBeNull();

    await runScreenshotRetention(env, now);

    await expectGone(old);
    expect(await shotIds(legacy)).toEqual([kept.shotId]);
    expect(await retentionMarker(legacy)).toBe(now - 3 * DAY);
    expect(await retentionMarker(untracked)).toBe(NO_SCREENSHOTS);
  });

  it("a marker left too low by a deletion costs one wake-up, which corrects it", async () => {
    const now = Date.now();
    const ws = await createBareWorkspace();
    const leaver = v7();
    await placeShot(ws, leaver, now - 20 * DAY);
    const kept = await placeShot(ws, MEMBER, now - 2 * DAY);
    // Account deletion removes the person's rows; the marker still points at their shot.
    await workspaceStub(env, ws).forgetMember(leaver);
    expect(await retentionMarker(ws)).toBe(now - 20 * DAY);

    // 30 days after the forgotten shot: due by the marker, but nothing has expired.
    await runScreenshotRetention(env, now + 11 * DAY);
    expect(await shotIds(ws)).toEqual([kept.shotId]);
    expect(await r2Bytes(kept.keys.full)).not.toBeNull();
    expect(await retentionMarker(ws)).toBe(now - 2 * DAY);
  });

  it("keeps the marker out of the workspace API", async () => {
    const w = await roleWorld();
    await placeShot(w.ws, w.roles.employee.memberId, Date.now() - DAY);
    const res = await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: w.ws });
    expect(JSON.stringify(res.body)).not.toMatch(/oldest/i);
  });

  it("follows a shorter retention setting at once", async () => {
    const now = Date.now();
    const ws = await createBareWorkspace();
    const shot = await placeShot(ws, MEMBER, now - 10 * DAY);
    await runScreenshotRetention(env, now);
    expect(await shotIds(ws)).toEqual([shot.shotId]);

    await ctx().db.insert(trackingSettings).values({ workspaceId: ws, screenshotRetentionDays: 7 });
    await runScreenshotRetention(env, now);
    await expectGone(shot);
    expect(await shotIds(ws)).toEqual([]);
    expect(await retentionMarker(ws)).toBe(NO_SCREENSHOTS);
  });
});
