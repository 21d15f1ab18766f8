/**
 * How often the agent does its periodic work. The defaults are the product's; tests shorten them
 * through WORKTRAIL_AGENT_TUNING (JSON) so a one-minute end-to-end run exercises uploads, entry
 * revisions and screenshots instead of waiting for 10-minute slots. Never set in production.
 */
import { z } from "zod";

export const Tuning = z.strictObject({
  /** Upload pending records at most this often while online. */
  uploadEveryMs: z.number().int().min(100).default(60_000),
  /** Re-emit the running time entry (and the open slot) this often: a crash loses at most this much. */
  entryEveryMs: z.number().int().min(100).default(60_000),
  /** Heartbeat while tracking (also sent on every state change). */
  heartbeatEveryMs: z.number().int().min(100).default(30_000),
  /** Re-fetch settings (ETag) this often. */
  settingsEveryMs: z.number().int().min(100).default(5 * 60_000),
  /** Test only: take the first screenshot this long after tracking starts, then every screenshotEveryMs. */
  firstScreenshotAfterMs: z.number().int().min(0).optional(),
  screenshotEveryMs: z.number().int().min(1000).optional(),
});
export type Tuning = z.infer<typeof Tuning>;

export function tuningFromEnv(raw: string | undefined): Tuning {
  if (!raw) return Tuning.parse({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("WORKTRAIL_AGENT_TUNING is not JSON.");
  }
  const parsed = Tuning.safeParse(json);
  if (!parsed.success) throw new Error(`WORKTRAIL_AGENT_TUNING: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
