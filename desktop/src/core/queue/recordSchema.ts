/**
 * The queue's records as zod schemas, checked when a record is appended (a tracker bug is loud at the
 * source instead of a rejection hours later) and again when it is read back from disk (DESIGN.md:
 * every row of the local queue is parsed). Items are the ingest contract's own schema.
 */
import { z } from "zod";
import { IngestItem, IsoTime, UUID7_RE } from "../../../../worker/contract/agent";
import { MAX_DISPLAY, SCREENSHOT_CONTENT_TYPES } from "../../../../worker/contract/screenshots";
import type { QueuedRecord } from "../records";

export const ScreenshotRecordSchema = z.strictObject({
  kind: z.literal("screenshot"),
  shotId: z.string().regex(UUID7_RE),
  takenAt: IsoTime,
  slotStart: IsoTime,
  display: z.number().int().min(0).max(MAX_DISPLAY),
  activity: z.number().int().min(0).max(100).nullable(),
  app: z.string().min(1).max(200).nullable(),
  contentType: z.enum(SCREENSHOT_CONTENT_TYPES),
  full: z.base64(),
  thumb: z.base64(),
});

export const QueuedRecordSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("item"), item: IngestItem }),
  ScreenshotRecordSchema,
]);

// The schema's output must fit where records.ts says a QueuedRecord goes.
const _fits: (r: z.infer<typeof QueuedRecordSchema>) => QueuedRecord = (r) => r;
void _fits;

/** The id the server acknowledges a record by. */
export function recordId(r: QueuedRecord): string {
  return r.kind === "item" ? r.item.id : r.shotId;
}

/** Time entries and slots are re-sent with growing revs; the other kinds are written once (rev 0). */
export function recordRev(r: QueuedRecord): number {
  return r.kind === "item" && (r.item.kind === "time_entry" || r.item.kind === "slot") ? r.item.rev : 0;
}
