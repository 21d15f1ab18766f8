/**
 * The X11 collectors against a real X server (Xvfb) with real windows: xterm titles and classes,
 * input focus without a window manager and the EWMH active window with openbox, idle time reset by
 * synthetic input, and screen captures (JPEG, size, blur, thumbnail, several X screens, scratch
 * files kept off disk).
 */
import { execFile } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectorError } from "../src/core/collectors/errors";
import { jpegSize } from "../src/core/collectors/jpeg";
import { createX11Collectors, type X11Collectors } from "../src/core/collectors/x11";
import { fillWithText, Xvfb, xSkipReason } from "./collectorsXvfb";

const skip = xSkipReason();
if (skip) console.warn(skip);

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ImageMagick's own reading of a JPEG, to cross-check our header parser. */
async function identify(image: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("identify", ["-format", "%m %wx%h", "jpeg:-"], { encoding: "utf8" }, (err, out) => (err ? reject(err) : resolve(out.trim())));
    child.stdin!.end(Buffer.from(image));
  });
}

describe.skipIf(skip !== null)("X11 collectors under Xvfb", () => {
  let x: Xvfb;
  let c: X11Collectors;
  let spoolBase: string;

  beforeAll(async () => {
    x = await Xvfb.start();
    // /dev/shm is tmpfs on Linux; a private directory in it stands in for $XDG_RUNTIME_DIR.
    spoolBase = await mkdtemp("/dev/shm/wt-collectors-");
    c = createX11Collectors({ display: x.display, spoolDir: spoolBase });
  }, 30_000);

  afterAll(async () => {
    await x?.stop();
    if (spoolBase) await rm(spoolBase, { recursive: true, force: true });
  });

  it("reports no window while nothing has focus", async () => {
    expect(await c.window.activeWindow()).toBeNull();
  });

  it("reports the focused xterm's class, title and pid without a window manager", async () => {
    const term = x.spawn("xterm", ["-T", "Known title", "-e", "sleep", "600"]);
    const id = await x.windowNamed("Known title");
    await x.xdotool("windowfocus", "--sync", id);
    const w = await c.window.activeWindow();
    expect(w).toEqual({ app: "XTerm", title: "Known title", url: null, pid: term.pid });
  });

  it("follows title changes of the same window", async () => {
    const id = await x.windowNamed("Known title");
    await x.xdotool("set_window", "--name", "Renamed — ünïcode ✓", id);
    expect((await c.window.activeWindow())?.title).toBe("Renamed — ünïcode ✓");
    await x.xdotool("set_window", "--name", "Known title", id);
  });

  it("drops the idle time when input happens", async () => {
    await sleep(1_300);
    const before = await c.idle.idleSeconds();
    expect(before).toBeGreaterThanOrEqual(1);
    await x.xdotool("mousemove", "--sync", "200", "300");
    const after = await c.idle.idleSeconds();
    expect(after).toBeLessThan(0.5);
    expect(after).toBeLessThan(before);
  });

  it("captures the screen as a 1920×1080 JPEG in memory, with ImageMagick's scratch files only in the memory spool", async () => {
    // A trap: if our MAGICK_TMPDIR/TMPDIR were not applied, ImageMagick would spool into the inherited directory.
    const trap = await mkdtemp(join(tmpdir(), "wt-trap-"));
    const trapped: string[] = [];
    const spooled: string[] = [];
    const watchers: FSWatcher[] = [watch(trap, (_e, f) => trapped.push(String(f))), watch(spoolBase, (_e, f) => spooled.push(String(f)))];
    try {
      const trappedCollectors = createX11Collectors({ display: x.display, spoolDir: spoolBase, env: { ...process.env, TMPDIR: trap, MAGICK_TMPDIR: trap, MAGICK_TEMPORARY_PATH: trap } });
      const shots = await trappedCollectors.screen.capture({ blur: false });
      // The other two ImageMagick paths (convert x:root for blur, convert on stdin for thumbnails) spool too.
      const [blurred] = await trappedCollectors.screen.capture({ blur: true });
      await trappedCollectors.screen.thumbnail(blurred!);
      await sleep(100); // let the watchers deliver
      expect(shots).toHaveLength(1);
      const shot = shots[0]!;
      expect([shot.image[0], shot.image[1]]).toEqual([0xff, 0xd8]);
      expect(shot).toMatchObject({ display: 0, width: 1920, height: 1080, contentType: "image/jpeg" });
      expect(await identify(shot.image)).toBe("JPEG 1920x1080");
      expect(trapped).toEqual([]);
      expect(new Set(spooled.filter((f) => f.startsWith("worktrail-shot-"))).size).toBe(3);
      expect(await readdir(spoolBase)).toEqual([]);
    } finally {
      watchers.forEach((w) => w.close());
      await rm(trap, { recursive: true, force: true });
    }
  });

  it("blurs when asked, makes a small thumbnail, and keeps a busy screen within the size budget", async () => {
    await fillWithText(x, ["worker/contract/agent.ts", "worker/crypto/hpke.ts", "docs/agent-protocol.md", "worker/contract/screenshots.ts"]);
    const [plain] = await c.screen.capture({ blur: false });
    const [blurred] = await c.screen.capture({ blur: true });
    console.log(`busy 1920×1080 JPEG: ${plain!.image.length} bytes plain, ${blurred!.image.length} bytes blurred`);
    expect(jpegSize(blurred!.image)).toEqual({ width: 1920, height: 1080 });
    expect(Buffer.compare(Buffer.from(plain!.image), Buffer.from(blurred!.image))).not.toBe(0);
    // Blur removes the text's edges, which is most of what a JPEG of text spends its bytes on.
    expect(blurred!.image.length).toBeLessThan(plain!.image.length * 0.5);
    expect(plain!.image.length).toBeLessThanOrEqual(c.screen.jpegBudget(1920, 1080));

    const thumb = await c.screen.thumbnail(plain!);
    expect(thumb).toMatchObject({ display: 0, width: 320, height: 180, contentType: "image/jpeg" });
    expect(await identify(thumb.image)).toBe("JPEG 320x180");
    expect(thumb.image.length).toBeLessThan(40_000);
  });

  it("sees the EWMH active window when a window manager runs", async () => {
    await x.startOpenbox();
    x.spawn("xterm", ["-T", "Managed window", "-e", "sleep", "600"]);
    const id = await x.windowNamed("Managed window");
    await x.xdotool("windowactivate", "--sync", id);
    const fresh = createX11Collectors({ display: x.display, spoolDir: spoolBase });
    expect(await fresh.window.activeWindow()).toMatchObject({ app: "XTerm", title: "Managed window" });
    // The collector that saw no window manager earlier finds the same window through the input focus.
    expect(await c.window.activeWindow()).toMatchObject({ app: "XTerm", title: "Managed window" });
  });

  it("answers no_display when the X server is not there", async () => {
    const gone = createX11Collectors({ display: ":65000", spoolDir: spoolBase });
    for (const call of [() => gone.idle.idleSeconds(), () => gone.window.activeWindow(), () => gone.screen.capture({ blur: false })]) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(CollectorError);
      expect((err as CollectorError).code).toBe("no_display");
    }
  });
});

describe.skipIf(skip !== null)("X11 capture with two X screens", () => {
  let x: Xvfb;
  let spoolBase: string;

  beforeAll(async () => {
    x = await Xvfb.start(["1280x720x24", "800x600x24"]);
    spoolBase = await mkdtemp("/dev/shm/wt-collectors-");
  }, 30_000);

  afterAll(async () => {
    await x?.stop();
    if (spoolBase) await rm(spoolBase, { recursive: true, force: true });
  });

  it("captures every screen, numbered from 0", async () => {
    const c = createX11Collectors({ display: x.display, spoolDir: spoolBase });
    const shots = await c.screen.capture({ blur: false });
    expect(shots.map((s) => [s.display, s.width, s.height])).toEqual([[0, 1280, 720], [1, 800, 600]]);
    // The 800×600 screen's own budget is proportional to its pixels.
    expect(c.screen.jpegBudget(800, 600)).toBeLessThan(c.screen.jpegBudget(1920, 1080) / 3);
    await run("xdpyinfo", [], { env: x.env() }); // the server is still fine after the captures
  });
});
