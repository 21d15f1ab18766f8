/**
 * Screenshot upload from a desktop agent (protocol: worker/contract/screenshots.ts). The server never
 * sees an image here: it checks that each file is an HPKE envelope of acceptable size, derives the R2
 * keys itself, stores both envelopes and records the row in the workspace's object.
 *
 * Idempotent by shot id: a shot already recorded answers `duplicate` before anything is written to R2
 * (so a retry costs no second write). The object re-judges inside its transaction after the R2 writes,
 * so two uploads racing for the last place in a slot cannot both be recorded; the loser's objects are
 * deleted again.
 *
 * Each stored shot lowers the workspace's retention marker in D1 (retention.ts), so the hourly
 * retention knows this workspace has something to delete one day.
 */
import { FUTURE_TOLERANCE_MS, SLOT_MS } from "../../contract/agent";
import { MAX_FULL_BYTES, MAX_THUMB_BYTES, ScreenshotMeta, type ScreenshotUploadResult } from "../../contract/screenshots";
import { AppError, conflict, payloadTooLarge, validationFailed, zodFieldErrors, type FieldError } from "../../http/problem";
import type { ServiceContext } from "../context";
import type { DevicePrincipal } from "../tracking/devices";
import type { RateLimit } from "../tracking/rateLimit";
import { loadSettings } from "../tracking/settings";
import { lowerOldestScreenshot } from "./retention";
import { deleteObjects, screenshotKeys, workspaceStub } from "./storage";

/** Up to 3 shots per 10 minutes per display, plus room for an agent catching up after being offline. */
export const SCREENSHOT_RATE_LIMIT: RateLimit = { name: "screenshot", limit: 60, windowMs: 60_000 };

const DAY_MS = 24 * 3600_000;
const MAGIC = [0x57, 0x54, 0x53, 0x31]; // "WTS1"
/** DHKEM(P-256) encapsulated key: an uncompressed point (worker/crypto/hpke.ts). */
const ENC_BYTES = 65;
/** AES-GCM tag: the shortest possible ciphertext of an empty image. */
const TAG_BYTES = 16;

/**
 * Structure of an envelope ("WTS1" | u16 enc length | enc | ciphertext). Only the holder of the
 * workspace private key can check more; this keeps plaintext images (or anything else) out of R2.
 */
export function looksLikeEnvelope(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length + 2 + ENC_BYTES + TAG_BYTES) return false;
  if (!MAGIC.every((b, i) => bytes[i] === b)) return false;
  return ((bytes[4]! << 8) | bytes[5]!) === ENC_BYTES;
}

export interface UploadParts {
  meta: ScreenshotMeta;
  full: Uint8Array;
  thumb: Uint8Array;
}

const field = (name: string, code: string, message: string): FieldError => ({ field: name, code, message });

async function readFile(form: FormData, name: "full" | "thumb", max: number, errors: FieldError[]): Promise<Uint8Array | null> {
  const v = form.get(name);
  if (v === null || typeof v === "string") {
    errors.push(field(name, "required", "Attach the sealed image as a file part."));
    return null;
  }
  // Size is checked before the bytes are read: an oversized part is refused without buffering it twice.
  if (v.size > max) throw new AppError(413, "payload_too_large", `The ${name} image exceeds ${max} bytes.`, [field(name, "too_large", `At most ${max} bytes.`)]);
  const bytes = new Uint8Array(await v.arrayBuffer());
  if (!looksLikeEnvelope(bytes)) {
    errors.push(field(name, "not_encrypted", "Must be a screenshot envelope sealed to the workspace key (starts with WTS1)."));
    return null;
  }
  return bytes;
}

/** The parts of a multipart upload, or 413 / 422 naming what is wrong. */
export async function parseUpload(form: FormData): Promise<UploadParts> {
  const errors: FieldError[] = [];
  const rawMeta = form.get("meta");
  let meta: ScreenshotMeta | null = null;
  if (typeof rawMeta !== "string") {
    errors.push(field("meta", "required", "A text part with the screenshot's JSON metadata."));
  } else {
    let json: unknown;
    try {
      json = JSON.parse(rawMeta);
    } catch {
      errors.push(field("meta", "invalid_json", "Not valid JSON."));
    }
    if (json !== undefined) {
      const parsed = ScreenshotMeta.safeParse(json);
      if (parsed.success) meta = parsed.data;
      else errors.push(...zodFieldErrors(parsed.error.issues).map((e) => ({ ...e, field: e.field === "(body)" ? "meta" : `meta.${e.field}` })));
    }
  }
  const full = await readFile(form, "full", MAX_FULL_BYTES, errors);
  const thumb = await readFile(form, "thumb", MAX_THUMB_BYTES, errors);
  if (errors.length || !meta || !full || !thumb) throw validationFailed(errors);
  return { meta, full, thumb };
}

/** Stores one shot for the device's member (the caller has counted the request against SCREENSHOT_RATE_LIMIT). */
export async function uploadScreenshot(ctx: ServiceContext, dp: DevicePrincipal, parts: UploadParts): Promise<ScreenshotUploadResult & { created: boolean }> {
  const { meta } = parts;
  const ws = dp.workspace.id;
  const memberId = dp.member.id;

  // The agent's clock, corrected as for batches (ADR 0006): slots stay on 10-minute boundaries.
  const receivedAt = ctx.now();
  const offset = meta.sentAt ? receivedAt - Date.parse(meta.sentAt) : 0;
  const takenAtMs = Date.parse(meta.takenAt) + offset;
  const slotStartMs = Math.round((Date.parse(meta.slotStart) + offset) / SLOT_MS) * SLOT_MS;

  const settings = await loadSettings(ctx, ws);
  const stub = workspaceStub(ctx.env, ws);
  const probe = { id: meta.shotId, memberId, takenAtMs, slotStartMs, display: meta.display, perSlot: settings.screenshotsPerSlot };
  // A shot already stored answers the same whatever changed since (settings, clock): retries are safe.
  const before = await stub.screenshotVerdict(probe);
  if (before === "duplicate") return { shotId: meta.shotId, status: "duplicate", created: false };

  if (takenAtMs > receivedAt + FUTURE_TOLERANCE_MS) {
    throw validationFailed([field("meta.takenAt", "in_future", "More than 5 minutes after server time, even after correcting the device clock.")]);
  }
  if (settings.screenshotsPerSlot === 0) throw conflict("screenshots_disabled", "This workspace does not take screenshots.");
  if (takenAtMs < receivedAt - settings.screenshotRetentionDays * DAY_MS) {
    // It would be deleted by the next retention run; refusing it keeps purged shots from coming back.
    throw validationFailed([field("meta.takenAt", "too_old", `Older than the workspace's screenshot retention (${settings.screenshotRetentionDays} days).`)]);
  }
  if (before !== "new") throw refusal(before);

  // Before anything is written: should this request die after the object recorded the shot, the
  // marker already covers it (a shot that ends up refused only costs retention one wake-up).
  await lowerOldestScreenshot(ctx.db, ws, takenAtMs);
  const keys = screenshotKeys(ws, memberId, takenAtMs, meta.shotId);
  const bucket = ctx.env.SCREENSHOTS;
  const opts = { httpMetadata: { contentType: "application/octet-stream" } };
  await Promise.all([bucket.put(keys.full, parts.full, opts), bucket.put(keys.thumb, parts.thumb, opts)]);

  const verdict = await stub.recordScreenshot({
    ...probe, deviceId: dp.device.id, activityPct: meta.activity ?? null, app: meta.app ?? null, contentType: meta.contentType,
    r2Key: keys.full, thumbR2Key: keys.thumb, sizeBytes: parts.full.length, thumbBytes: parts.thumb.length, createdAt: receivedAt,
  });
  if (verdict === "new") {
    // Again once recorded: a retention run that read the object before this shot was in it may have
    // raised the marker since the first lowering (retention.ts, resetMarker).
    await lowerOldestScreenshot(ctx.db, ws, takenAtMs);
    return { shotId: meta.shotId, status: "stored", created: true };
  }
  // A concurrent upload of the same shot won: it references the same keys, so they stay.
  if (verdict === "duplicate") return { shotId: meta.shotId, status: "duplicate", created: false };
  await deleteObjects(bucket, [keys.full, keys.thumb]);
  throw refusal(verdict);
}

function refusal(verdict: "id_conflict" | "slot_full"): AppError {
  return verdict === "slot_full"
    ? conflict("slot_full", "This 10-minute slot already holds as many screenshots as the workspace takes (or this display was already captured at that moment).")
    : conflict("id_conflict", "This shot id is already in use; generate a new one.");
}
