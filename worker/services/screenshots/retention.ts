/**
 * Screenshot retention (run by the hourly cron, services/housekeeping.ts): every screenshot taken
 * before its workspace's `screenshot_retention_days` goes, R2 objects first and then the rows (and
 * their view records). Rows of screenshots deleted earlier are purged the same way, which also
 * retries the deletion of their objects. Each step is idempotent, so a run cut short is finished by
 * the next one.
 *
 * Only workspaces with something to delete are woken. D1 keeps, per workspace, the taken time of the
 * oldest screenshot row in its object (`workspaces.oldest_screenshot_at`); the cron selects in SQL
 * the workspaces whose marker is older than their retention, and after purging one sets its marker to
 * what the object still holds. The marker may be too low, never too high:
 * - an upload lowers it (min) before it writes anything and again once the object recorded the shot;
 * - deletions by people (a member's own screenshot, a manager's, account deletion) leave it as it
 *   is: too low, which costs one wake-up that finds nothing expired and corrects it;
 * - NULL means unknown (workspaces from before the column): such a workspace is checked once, which
 *   sets it. New workspaces start at NO_SCREENSHOTS.
 */
import { and, asc, eq, gt, isNotNull, sql } from "drizzle-orm";
import { createDb, type Db } from "../../db/client";
import { NO_SCREENSHOTS, trackingSettings, workspaces } from "../../db/schema";
import type { Env } from "../../env";
import { DEFAULT_SETTINGS } from "../tracking/settings";
import { deleteObjects, workspaceStub, type WorkspaceStub } from "./storage";

const DAY_MS = 24 * 3600_000;
const WORKSPACES_PER_PAGE = 50;
const SHOTS_PER_ROUND = 400;

export interface RetentionReport {
  /** Workspaces whose object was woken (due, or with an unknown marker). */
  workspaces: number;
  deleted: number;
  failed: string[];
}

/**
 * Lowers the workspace's marker to `takenAtMs` when that is older. An unknown marker (NULL) stays
 * unknown: the object may hold older shots than this one, and the next run checks it anyway.
 */
export async function lowerOldestScreenshot(db: Db, workspaceId: string, takenAtMs: number): Promise<void> {
  await db.update(workspaces)
    .set({ oldestScreenshotAt: sql`min(${workspaces.oldestScreenshotAt}, ${takenAtMs})` })
    .where(and(eq(workspaces.id, workspaceId), isNotNull(workspaces.oldestScreenshotAt)));
}

export async function runScreenshotRetention(env: Env, now: number): Promise<RetentionReport> {
  const db = createDb(env.DB);
  const report: RetentionReport = { workspaces: 0, deleted: 0, failed: [] };
  const days = sql`coalesce(${trackingSettings.screenshotRetentionDays}, ${DEFAULT_SETTINGS.screenshotRetentionDays})`;
  // The cutoff differs per workspace, so no index can answer this: it reads the workspaces table once
  // an hour (cheap next to waking every object), and only due rows come back.
  const due = sql`(${workspaces.oldestScreenshotAt} is null or ${workspaces.oldestScreenshotAt} < ${now} - ${days} * ${DAY_MS})`;
  let after = "";
  for (;;) {
    const page = await db.select({ id: workspaces.id, days: trackingSettings.screenshotRetentionDays }).from(workspaces)
      .leftJoin(trackingSettings, eq(trackingSettings.workspaceId, workspaces.id))
      .where(and(gt(workspaces.id, after), due)).orderBy(asc(workspaces.id)).limit(WORKSPACES_PER_PAGE);
    if (!page.length) return report;
    const results = await Promise.allSettled(page.map((w) =>
      purgeWorkspace(env, db, w.id, now - (w.days ?? DEFAULT_SETTINGS.screenshotRetentionDays) * DAY_MS)));
    results.forEach((r, i) => {
      const id = page[i]!.id;
      if (r.status === "fulfilled") report.deleted += r.value;
      else {
        // One workspace failing must not stop the others; its marker is unchanged, so the next run retries it.
        report.failed.push(id);
        console.error(JSON.stringify({ level: "error", job: "screenshot_retention", workspaceId: id, message: String(r.reason) }));
      }
    });
    report.workspaces += page.length;
    after = page[page.length - 1]!.id;
  }
}

async function purgeWorkspace(env: Env, db: Db, workspaceId: string, cutoffMs: number): Promise<number> {
  const stub = workspaceStub(env, workspaceId);
  let deleted = 0;
  /** The object's oldest row after the last purge; undefined until a purge answered it. */
  let oldest: number | null | undefined;
  for (;;) {
    const expired = await stub.expiredScreenshots(cutoffMs, SHOTS_PER_ROUND);
    if (expired.length) {
      await deleteObjects(env.SCREENSHOTS, expired.flatMap((s) => [s.r2Key, s.thumbR2Key]));
      oldest = await stub.purgeScreenshots(expired.map((s) => s.id));
      deleted += expired.length;
    }
    if (expired.length < SHOTS_PER_ROUND) break;
  }
  await resetMarker(db, stub, workspaceId, oldest === undefined ? await stub.oldestScreenshotAt() : oldest);
  return deleted;
}

/**
 * Sets the marker to the object's oldest row. This is the only write that raises it, so it must not
 * hide a shot that an upload records meanwhile: the object is asked once more after the write and
 * the marker lowered to its answer. A shot recorded before that second read is in the answer; one
 * recorded after it is followed by the upload's own lowering, which then comes after this raise.
 */
async function resetMarker(db: Db, stub: WorkspaceStub, workspaceId: string, oldest: number | null): Promise<void> {
  await db.update(workspaces).set({ oldestScreenshotAt: oldest ?? NO_SCREENSHOTS }).where(eq(workspaces.id, workspaceId));
  const again = await stub.oldestScreenshotAt();
  if (again !== null && again < (oldest ?? NO_SCREENSHOTS)) await lowerOldestScreenshot(db, workspaceId, again);
}
