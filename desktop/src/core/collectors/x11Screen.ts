/**
 * Screenshots on X11 with ImageMagick: every X screen of the display (":N.0", ":N.1", …; Xvfb and
 * most desktops have one, spanning all monitors), encoded as progressive JPEG straight to stdout, so
 * the image reaches the agent as bytes in memory and is sealed before anything is stored (ImageMagick's
 * own scratch files stay in memory too: memorySpool.ts).
 *
 * Size: the budget is 200 KB sealed for 1920×1080 (scaled by pixel count for other sizes). Quality
 * 60 with 4:2:0 chroma and progressive encoding is used when it fits (an empty desktop: ~12 KB;
 * four xterms of code in an anti-aliased 9 pt font: ~190 KB). Denser screens are lowered by
 * ImageMagick's `jpeg:extent` to the highest quality that fits: four xterms full of 6×13 bitmap-font
 * code (~300 KB at quality 60) come out at about quality 25, ~195 KB, and the text stays legible.
 * Blur shrinks to a quarter, blurs and scales back, which reads as a strong blur (text unreadable) at
 * a quarter of the CPU of a full-size `-blur 0x8` (~0.2 s instead of ~0.9 s here).
 */
import { MAX_DISPLAY, MAX_FULL_BYTES } from "../../../../worker/contract/screenshots";
import type { CapturedScreen, ScreenCollector } from "../ports";
import { CollectorError } from "./errors";
import { isJpeg, jpegSize } from "./jpeg";
import { MemorySpool } from "./memorySpool";
import type { X11Display } from "./x11Display";

/** What sealing adds to an image (worker/crypto/hpke.ts): "WTS1", u16 length, 65-byte P-256 enc, 16-byte GCM tag. */
export const SEAL_OVERHEAD_BYTES = 4 + 2 + 65 + 16;
/** Issue 4's target: a 1920×1080 screenshot is at most this many bytes after compression and encryption. */
export const FULL_HD_SEALED_TARGET_BYTES = 200_000;
const FULL_HD_PIXELS = 1920 * 1080;

export interface X11ScreenOptions {
  /** Highest JPEG quality used (lowered per image only to meet the size budget). */
  quality?: number;
  thumbnailWidth?: number;
  /** Sealed-size target for a 1920×1080 screen; other sizes get a budget proportional to their pixels. */
  fullHdSealedTargetBytes?: number;
  captureTimeoutMs?: number;
  spool?: MemorySpool;
}

export interface XScreen {
  screen: number;
  width: number;
  height: number;
}

export class X11ScreenCollector implements ScreenCollector {
  private readonly quality: number;
  private readonly thumbWidth: number;
  private readonly target: number;
  private readonly timeoutMs: number;
  private readonly spool: MemorySpool;

  constructor(private readonly x: X11Display, opts: X11ScreenOptions = {}) {
    this.quality = opts.quality ?? 60;
    this.thumbWidth = opts.thumbnailWidth ?? 320;
    this.target = opts.fullHdSealedTargetBytes ?? FULL_HD_SEALED_TARGET_BYTES;
    this.timeoutMs = opts.captureTimeoutMs ?? 20_000;
    this.spool = opts.spool ?? new MemorySpool();
  }

  /** The X screens of the display and their sizes, from xdpyinfo. */
  async screens(): Promise<XScreen[]> {
    const out = (await this.x.run("xdpyinfo", [], { timeoutMs: this.timeoutMs })).toString("utf8");
    return parseXdpyinfoScreens(out);
  }

  /** Largest JPEG for a screen of this size so that the sealed envelope stays within the target. */
  jpegBudget(width: number, height: number): number {
    const sealed = Math.min(MAX_FULL_BYTES, Math.round((this.target * width * height) / FULL_HD_PIXELS));
    return Math.max(8_192, sealed - SEAL_OVERHEAD_BYTES);
  }

  async capture(opts: { blur: boolean }): Promise<CapturedScreen[]> {
    // Displays are numbered 0..MAX_DISPLAY on the wire; more X screens than that do not exist in practice.
    const screens = (await this.screens()).slice(0, MAX_DISPLAY + 1);
    const shots: CapturedScreen[] = [];
    for (const s of screens) shots.push(await this.captureScreen(s, opts.blur));
    return shots;
  }

  private async captureScreen(s: XScreen, blur: boolean): Promise<CapturedScreen> {
    const encode = ["-strip", "-interlace", "Plane", "-sampling-factor", "2x2", "-quality", String(this.quality), "-define", `jpeg:extent=${this.jpegBudget(s.width, s.height)}`, "jpeg:-"];
    // `import` has no blur operator; `convert x:root` reads the screen through the same X code and filters in the same process.
    const [tool, args] = blur
      ? ["convert", ["x:root", "-scale", "25%", "-blur", "0x2", "-scale", `${s.width}x${s.height}!`, ...encode]] as const
      : ["import", ["-silent", "-window", "root", ...encode]] as const;
    const image = await this.spool.run(tool, (extraEnv) => this.x.run(tool, args, { screen: s.screen, extraEnv, timeoutMs: this.timeoutMs }));
    const size = jpegSize(image);
    if (!size) throw new CollectorError("bad_output", tool, `${tool} did not return a JPEG for screen ${s.screen}`);
    return { display: s.screen, width: size.width, height: size.height, image: asBytes(image), contentType: "image/jpeg" };
  }

  async thumbnail(screen: CapturedScreen): Promise<CapturedScreen> {
    if (!isJpeg(screen.image)) throw new CollectorError("bad_output", "convert", "thumbnail input is not a JPEG");
    const w = Math.min(this.thumbWidth, screen.width);
    const h = Math.max(1, Math.round((screen.height * w) / screen.width));
    // jpeg:size lets libjpeg decode at a reduced scale (still ≥ 2× the thumbnail), which is most of the cost.
    const args = ["-define", `jpeg:size=${2 * w}x${2 * h}`, "jpeg:-", "-thumbnail", `${w}x${h}!`, "-strip", "-quality", "70", "jpeg:-"];
    const image = await this.spool.run("convert", (extraEnv) =>
      this.x.run("convert", args, { input: screen.image, extraEnv, timeoutMs: this.timeoutMs, needsDisplay: false }));
    const size = jpegSize(image);
    if (!size) throw new CollectorError("bad_output", "convert", "convert did not return a JPEG thumbnail");
    return { display: screen.display, width: size.width, height: size.height, image: asBytes(image), contentType: "image/jpeg" };
  }
}

/**
 * A plain Uint8Array with its own ArrayBuffer: small Buffers are slices of Node's shared pool, and
 * byte-oriented code downstream (HPKE) must not be handed a view whose `.buffer` holds other data.
 */
const asBytes = (b: Buffer) => new Uint8Array(b);

/** "number of screens:    2" and, per screen, "screen #1:" … "dimensions:    1024x768 pixels (…)". */
export function parseXdpyinfoScreens(out: string): XScreen[] {
  const screens: XScreen[] = [];
  for (const m of out.matchAll(/^screen #(\d+):\s*\n\s+dimensions:\s+(\d+)x(\d+) pixels/gm)) {
    screens.push({ screen: Number(m[1]), width: Number(m[2]), height: Number(m[3]) });
  }
  if (screens.length === 0) throw new CollectorError("bad_output", "xdpyinfo", "xdpyinfo listed no screens");
  return screens;
}
