/**
 * One capture moment → sealed screenshots ready for the queue: capture every display, make each
 * one's thumbnail, seal both with HPKE to the workspace public key (bound to workspace, member,
 * shot id and variant: worker/crypto/hpke.ts), and describe them with the upload metadata
 * (worker/contract/screenshots.ts). Plain images exist only in memory during this call; what leaves
 * it is ciphertext, plus the plain thumbnail for the in-memory "what is recorded" view.
 */
import { v7 as uuidv7 } from "uuid";
import { SLOT_MS } from "../../../../worker/contract/agent";
import { MAX_FULL_BYTES, MAX_THUMB_BYTES, ScreenshotMeta } from "../../../../worker/contract/screenshots";
import { sealScreenshot } from "../../../../worker/crypto/hpke";
import type { CapturedScreen, Clock, ScreenCollector } from "../ports";
import type { ScreenshotRecord } from "../records";

/** Who the images are sealed for and bound to (from registration and GET /agent/settings). */
export interface ScreenshotKey {
  workspaceId: string;
  memberId: string;
  /** `screenshotPublicKey` from the settings (P-256, base64). */
  publicKey: string;
}

export interface CaptureContext {
  /** The workspace's screenshotBlur setting. */
  blur: boolean;
  /** The current slot's activity % so far, as the agent sees it. */
  activity: number | null;
  /** The focused app after the privacy filter (null when unknown or not tracked). */
  app: string | null;
}

export interface SealedShot {
  record: ScreenshotRecord;
  /** The plain thumbnail JPEG for the "what is recorded" view; never written anywhere. */
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/** A sealed image over the server's limit: it would be refused, so it is not queued. */
export class ScreenshotTooLargeError extends Error {
  override readonly name = "ScreenshotTooLargeError";
}

export interface PipelineDeps {
  screen: ScreenCollector;
  clock: Clock;
  key: ScreenshotKey;
}

/**
 * Takes the screenshots of one moment. All displays share one takenAt: the server counts a moment's
 * shots on several displays as one of the slot's screenshots.
 */
export async function takeScreenshots(deps: PipelineDeps, ctx: CaptureContext): Promise<SealedShot[]> {
  const takenAtMs = deps.clock.now();
  const screens = await deps.screen.capture({ blur: ctx.blur });
  const shots: SealedShot[] = [];
  for (const screen of screens) {
    const thumb = await deps.screen.thumbnail(screen);
    shots.push(await sealShot(deps.key, screen, thumb, takenAtMs, ctx));
  }
  return shots;
}

/** Seals one display's image and thumbnail and builds its queue record (metadata checked against the upload contract). */
export async function sealShot(key: ScreenshotKey, screen: CapturedScreen, thumb: CapturedScreen, takenAtMs: number, ctx: Pick<CaptureContext, "activity" | "app">): Promise<SealedShot> {
  const shotId = uuidv7();
  const meta = ScreenshotMeta.parse({
    shotId,
    takenAt: new Date(takenAtMs).toISOString(),
    slotStart: new Date(Math.floor(takenAtMs / SLOT_MS) * SLOT_MS).toISOString(),
    display: screen.display,
    activity: ctx.activity === null ? null : Math.max(0, Math.min(100, Math.round(ctx.activity))),
    app: ctx.app?.trim().slice(0, 200) || null,
    contentType: screen.contentType,
  });
  const binding = { workspaceId: key.workspaceId, memberId: key.memberId, shotId };
  const full = await sealScreenshot(key.publicKey, screen.image, { ...binding, variant: "full" });
  const sealedThumb = await sealScreenshot(key.publicKey, thumb.image, { ...binding, variant: "thumb" });
  if (full.length > MAX_FULL_BYTES) throw new ScreenshotTooLargeError(`display ${screen.display}: ${full.length} bytes sealed, the server takes at most ${MAX_FULL_BYTES}`);
  if (sealedThumb.length > MAX_THUMB_BYTES) throw new ScreenshotTooLargeError(`display ${screen.display}: thumbnail ${sealedThumb.length} bytes sealed, at most ${MAX_THUMB_BYTES}`);
  return {
    record: {
      kind: "screenshot",
      shotId,
      takenAt: meta.takenAt,
      slotStart: meta.slotStart,
      display: meta.display,
      activity: meta.activity ?? null,
      app: meta.app ?? null,
      contentType: meta.contentType,
      full: Buffer.from(full).toString("base64"),
      thumb: Buffer.from(sealedThumb).toString("base64"),
    },
    thumbnail: thumb.image,
    width: screen.width,
    height: screen.height,
  };
}
