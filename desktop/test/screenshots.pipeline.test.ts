/**
 * The screenshot pipeline end to end on a real X server: capture a busy 1920×1080 desktop, make the
 * thumbnail, seal both to a workspace key, and check that only the workspace private key (with the
 * right binding) opens them to exactly the captured JPEGs, that the queue record matches the upload
 * contract, and that the sealed image meets the 200 KB target.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UUID7_RE } from "../../worker/contract/agent";
import { ScreenshotMeta } from "../../worker/contract/screenshots";
import { generateWorkspaceKeyPair, openScreenshot, type WorkspaceKeyPair } from "../../worker/crypto/hpke";
import { createX11Collectors } from "../src/core/collectors/x11";
import type { CapturedScreen, ScreenCollector } from "../src/core/ports";
import { sealShot, takeScreenshots, type ScreenshotKey } from "../src/core/screenshots/pipeline";
import { fillWithText, Xvfb, xSkipReason } from "./collectorsXvfb";

const skip = xSkipReason();
if (skip) console.warn(skip);

const WS = "0191f3a0-0000-7000-8000-000000000001";
const MEMBER = "0191f3a0-0000-7000-8000-000000000002";
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

/** Keeps a copy of everything the real collector returned, to compare with what decrypts. */
class RecordingScreen implements ScreenCollector {
  readonly captured: CapturedScreen[] = [];
  readonly thumbs: CapturedScreen[] = [];
  constructor(private readonly inner: ScreenCollector) {}
  async capture(opts: { blur: boolean }) {
    const shots = await this.inner.capture(opts);
    this.captured.push(...shots.map((s) => ({ ...s, image: s.image.slice() })));
    return shots;
  }
  async thumbnail(s: CapturedScreen) {
    const t = await this.inner.thumbnail(s);
    this.thumbs.push({ ...t, image: t.image.slice() });
    return t;
  }
}

describe("sealing without a display", () => {
  it("binds the envelope to the shot: another variant, shot id or member cannot open it", async () => {
    const keys = await generateWorkspaceKeyPair();
    const key: ScreenshotKey = { workspaceId: WS, memberId: MEMBER, publicKey: keys.publicKey };
    const image = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const screen: CapturedScreen = { display: 2, width: 10, height: 10, image, contentType: "image/jpeg" };
    const takenAt = Date.UTC(2025, 0, 1, 12, 9, 59, 123);
    const shot = await sealShot(key, screen, screen, takenAt, { activity: 87.6, app: "  Code  " });
    expect(shot.record).toMatchObject({ kind: "screenshot", display: 2, activity: 88, app: "Code", takenAt: "2025-01-01T12:09:59.123Z", slotStart: "2025-01-01T12:00:00.000Z" });
    const full = unb64(shot.record.full);
    const binding = { workspaceId: WS, memberId: MEMBER, shotId: shot.record.shotId };
    expect(await openScreenshot(keys.privateKey, full, { ...binding, variant: "full" })).toEqual(image);
    await expect(openScreenshot(keys.privateKey, full, { ...binding, variant: "thumb" })).rejects.toThrow();
    await expect(openScreenshot(keys.privateKey, full, { ...binding, memberId: WS, variant: "full" })).rejects.toThrow();
    const other = await generateWorkspaceKeyPair();
    await expect(openScreenshot(other.privateKey, full, { ...binding, variant: "full" })).rejects.toThrow();
  });

  it("gives every display of one moment its own shot id and the same takenAt", async () => {
    const keys = await generateWorkspaceKeyPair();
    const jpeg = (d: number): CapturedScreen => ({ display: d, width: 4, height: 3, image: new Uint8Array([0xff, 0xd8, 0xff, d]), contentType: "image/jpeg" });
    const fake: ScreenCollector = { capture: async () => [jpeg(0), jpeg(1)], thumbnail: async (s) => ({ ...s, image: new Uint8Array([0xff, 0xd8, 0xff, 0x70 + s.display]) }) };
    let t = Date.UTC(2025, 0, 1, 8, 0, 30);
    const shots = await takeScreenshots({ screen: fake, clock: { now: () => t++ }, key: { workspaceId: WS, memberId: MEMBER, publicKey: keys.publicKey } }, { blur: false, activity: null, app: null });
    expect(shots.map((s) => [s.record.display, s.record.takenAt])).toEqual([[0, "2025-01-01T08:00:30.000Z"], [1, "2025-01-01T08:00:30.000Z"]]);
    expect(new Set(shots.map((s) => s.record.shotId)).size).toBe(2);
    expect(shots.map((s) => s.thumbnail[3])).toEqual([0x70, 0x71]);
  });

  it("refuses metadata the server would refuse (display beyond the contract)", async () => {
    const keys = await generateWorkspaceKeyPair();
    const screen: CapturedScreen = { display: 9, width: 1, height: 1, image: new Uint8Array([0xff, 0xd8, 0xff]), contentType: "image/jpeg" };
    await expect(sealShot({ workspaceId: WS, memberId: MEMBER, publicKey: keys.publicKey }, screen, screen, Date.now(), { activity: null, app: null })).rejects.toThrow();
  });
});

describe.skipIf(skip !== null)("screenshot pipeline under Xvfb", () => {
  let x: Xvfb;
  let spoolBase: string;
  let keys: WorkspaceKeyPair;

  beforeAll(async () => {
    x = await Xvfb.start();
    spoolBase = await mkdtemp("/dev/shm/wt-pipeline-");
    keys = await generateWorkspaceKeyPair();
    await fillWithText(x, ["worker/contract/agent.ts", "worker/crypto/hpke.ts", "docs/agent-protocol.md", "worker/workspace/ingest.ts"]);
  }, 30_000);

  afterAll(async () => {
    await x?.stop();
    if (spoolBase) await rm(spoolBase, { recursive: true, force: true });
  });

  for (const blur of [false, true]) {
    it(`seals a busy 1920×1080 screen (blur ${blur}) so that only the workspace key opens it, within 200 KB`, async () => {
      const screen = new RecordingScreen(createX11Collectors({ display: x.display, spoolDir: spoolBase }).screen);
      const now = Date.UTC(2025, 5, 2, 10, 23, 45, 678);
      const shots = await takeScreenshots(
        { screen, clock: { now: () => now }, key: { workspaceId: WS, memberId: MEMBER, publicKey: keys.publicKey } },
        { blur, activity: 42, app: "XTerm" },
      );
      expect(shots).toHaveLength(1);
      const { record, thumbnail } = shots[0]!;
      const full = unb64(record.full);
      const thumb = unb64(record.thumb);
      console.log(`sealed 1920×1080 screenshot (blur ${blur}): ${full.length} bytes full, ${thumb.length} bytes thumbnail`);

      expect(full.length).toBeLessThanOrEqual(200_000);
      expect(shots[0]).toMatchObject({ width: 1920, height: 1080 });

      // The record is what the upload contract accepts.
      expect(record.shotId).toMatch(UUID7_RE);
      expect(ScreenshotMeta.parse({ shotId: record.shotId, takenAt: record.takenAt, slotStart: record.slotStart, display: record.display, activity: record.activity, app: record.app, contentType: record.contentType }))
        .toMatchObject({ takenAt: "2025-06-02T10:23:45.678Z", slotStart: "2025-06-02T10:20:00.000Z", display: 0, activity: 42, app: "XTerm", contentType: "image/jpeg" });

      // Ciphertext only: a WTS1 envelope, none of the JPEG's bytes in the clear.
      const plain = screen.captured[0]!.image;
      expect(new TextDecoder().decode(full.slice(0, 4))).toBe("WTS1");
      expect([full[0], full[1]]).not.toEqual([0xff, 0xd8]);
      expect(contains(full, plain.slice(0, 64))).toBe(false);
      expect(contains(full, new TextEncoder().encode("JFIF\0"))).toBe(false);
      expect(contains(thumb, screen.thumbs[0]!.image.slice(0, 64))).toBe(false);

      // The workspace private key opens both to exactly what was captured.
      const binding = { workspaceId: WS, memberId: MEMBER, shotId: record.shotId };
      expect(Buffer.compare(Buffer.from(await openScreenshot(keys.privateKey, full, { ...binding, variant: "full" })), Buffer.from(plain))).toBe(0);
      const openedThumb = await openScreenshot(keys.privateKey, thumb, { ...binding, variant: "thumb" });
      expect(Buffer.compare(Buffer.from(openedThumb), Buffer.from(thumbnail))).toBe(0);
      expect([openedThumb[0], openedThumb[1]]).toEqual([0xff, 0xd8]);
    });
  }
});
