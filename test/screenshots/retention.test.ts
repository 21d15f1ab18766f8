/**
 * Retention: the Worker's scheduled handler deletes screenshots older than each workspace's
 * screenshot_retention_days, R2 objects and rows (with their view records), and keeps recent ones.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { runScreenshotRetention } from "../../worker/services/screenshots/retention";
import { workspaceStub } from "../../worker/services/screenshots/storage";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { fetchImage, MIN, placeShot, r2Bytes, rows } from "./support";

const DAY = 24 * 60 * MIN;

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
