/**
 * Screenshot retention (run by the hourly cron, services/housekeeping.ts): every screenshot taken
 * before its workspace's `screenshot_retention_days` goes, R2 objects first and then the rows (and
 * their view records). Rows of screenshots deleted earlier are purged the same way, which also
 * retries the deletion of their objects. Each step is idempotent, so a run cut short is finished by
 * the next one.
 */
import { asc, eq, gt } from "drizzle-orm";
import { createDb } from "../../db/client";
import { trackingSettings, workspaces } from "../../db/schema";
import type { Env } from "../../env";
import { DEFAULT_SETTINGS } from "../tracking/settings";
import { deleteObjects, workspaceStub } from "./storage";

const DAY_MS = 24 * 3600_000;
const WORKSPACES_PER_PAGE = 50;
const SHOTS_PER_ROUND = 400;

export interface RetentionReport {
  workspaces: number;
  deleted: number;
  failed: string[];
}

export async function runScreenshotRetention(env: Env, now: number): Promise<RetentionReport> {
  const db = createDb(env.DB);
  const report: RetentionReport = { workspaces: 0, deleted: 0, failed: [] };
  let after = "";
  for (;;) {
    const page = await db.select({ id: workspaces.id, days: trackingSettings.screenshotRetentionDays }).from(workspaces)
      .leftJoin(trackingSettings, eq(trackingSettings.workspaceId, workspaces.id))
      .where(gt(workspaces.id, after)).orderBy(asc(workspaces.id)).limit(WORKSPACES_PER_PAGE);
    if (!page.length) return report;
    const results = await Promise.allSettled(page.map((w) => purgeWorkspace(env, w.id, now - (w.days ?? DEFAULT_SETTINGS.screenshotRetentionDays) * DAY_MS)));
    results.forEach((r, i) => {
      const id = page[i]!.id;
      if (r.status === "fulfilled") report.deleted += r.value;
      else {
        // One workspace failing must not stop the others; the next run retries it.
        report.failed.push(id);
        console.error(JSON.stringify({ level: "error", job: "screenshot_retention", workspaceId: id, message: String(r.reason) }));
      }
    });
    report.workspaces += page.length;
    after = page[page.length - 1]!.id;
  }
}

async function purgeWorkspace(env: Env, workspaceId: string, cutoffMs: number): Promise<number> {
  const stub = workspaceStub(env, workspaceId);
  let deleted = 0;
  for (;;) {
    const expired = await stub.expiredScreenshots(cutoffMs, SHOTS_PER_ROUND);
    if (!expired.length) return deleted;
    await deleteObjects(env.SCREENSHOTS, expired.flatMap((s) => [s.r2Key, s.thumbR2Key]));
    await stub.purgeScreenshots(expired.map((s) => s.id));
    deleted += expired.length;
    if (expired.length < SHOTS_PER_ROUND) return deleted;
  }
}
