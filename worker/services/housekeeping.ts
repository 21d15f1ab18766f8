import { and, isNotNull, lt, or } from "drizzle-orm";
import { createDb } from "../db/client";
import { deviceCodes, emailTokens, loginThrottle, rateWindows, sessions } from "../db/schema";
import type { Env } from "../env";
import { runScreenshotRetention } from "./screenshots/retention";

const DAY = 24 * 3600 * 1000;

/**
 * Hourly cron: drop what can no longer be used, and screenshots past their workspace's retention
 * (which wakes only the workspace objects that have some due: screenshots/retention.ts).
 */
export async function runHousekeeping(env: Env, now = Date.now()) {
  const db = createDb(env.DB);
  await db.batch([
    db.delete(sessions).where(or(lt(sessions.expiresAt, now - DAY), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, now - 30 * DAY)))),
    db.delete(emailTokens).where(lt(emailTokens.expiresAt, now - DAY)),
    db.delete(loginThrottle).where(lt(loginThrottle.updatedAt, now - DAY)),
    db.delete(rateWindows).where(lt(rateWindows.windowStart, now - DAY)),
    db.delete(deviceCodes).where(lt(deviceCodes.expiresAt, now - DAY)),
  ]);
  await runScreenshotRetention(env, now);
}
