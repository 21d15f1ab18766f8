/**
 * The collectors' parsers and decisions without an X server: xdotool/xprop/xdpyinfo output, JPEG
 * headers, URLs in browser titles, the memory-only spool choice and the typed errors for a missing
 * tool or display (these run real execFile calls that fail).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { urlFromTitle } from "../src/core/collectors/browserUrl";
import { CollectorError } from "../src/core/collectors/errors";
import { jpegSize } from "../src/core/collectors/jpeg";
import { findMemoryDir, isMemoryFsType, MemorySpool } from "../src/core/collectors/memorySpool";
import { createX11Collectors } from "../src/core/collectors/x11";
import { X11Display } from "../src/core/collectors/x11Display";
import { runTool } from "../src/core/collectors/runTool";
import { parseXdpyinfoScreens } from "../src/core/collectors/x11Screen";
import { parseGeometryAndName, parseXprop } from "../src/core/collectors/x11Window";

describe("xdotool output", () => {
  it("reads the window id and a title that contains newlines and KEY=value text", () => {
    const out = "WINDOW=2097165\nX=0\nY=0\nWIDTH=484\nHEIGHT=316\nSCREEN=0\nvim X=1\nsecond line\n";
    expect(parseGeometryAndName(out)).toEqual({ id: 2097165, title: "vim X=1\nsecond line" });
  });

  it("gives a null title for an unnamed window and null for window 0", () => {
    expect(parseGeometryAndName("WINDOW=42\nX=0\nY=0\nWIDTH=1\nHEIGHT=1\nSCREEN=0\n\n")).toEqual({ id: 42, title: null });
    expect(parseGeometryAndName("WINDOW=0\nX=0\nY=0\nWIDTH=1\nHEIGHT=1\nSCREEN=0\n\n")).toBeNull();
  });

  it("rejects output it does not understand", () => {
    expect(() => parseGeometryAndName("Known title\n")).toThrow(CollectorError);
  });
});

describe("xprop output", () => {
  it("takes the WM_CLASS class as the app and the pid", () => {
    expect(parseXprop('WM_CLASS(STRING) = "xterm", "XTerm"\n_NET_WM_PID(CARDINAL) = 20775\n')).toEqual({ app: "XTerm", pid: 20775 });
  });

  it("falls back to the instance name, unescapes quotes and tolerates a missing pid", () => {
    expect(parseXprop('WM_CLASS(STRING) = "my \\"app\\""\n_NET_WM_PID:  not found.\n')).toEqual({ app: 'my "app"', pid: null });
  });

  it("has no app when the window has no WM_CLASS", () => {
    expect(parseXprop("WM_CLASS:  not found.\n_NET_WM_PID:  not found.\n")).toEqual({ app: null, pid: null });
  });
});

describe("xdpyinfo output", () => {
  it("lists every X screen with its size", () => {
    const out = "name of display:    :3\nnumber of screens:    2\n\nscreen #0:\n  dimensions:    1920x1080 pixels (488x274 millimeters)\n  resolution:    100x100 dots per inch\n\nscreen #1:\n  dimensions:    1024x768 pixels (260x195 millimeters)\n";
    expect(parseXdpyinfoScreens(out)).toEqual([{ screen: 0, width: 1920, height: 1080 }, { screen: 1, width: 1024, height: 768 }]);
  });
});

describe("display names", () => {
  it("addresses each X screen of the configured server", () => {
    expect(new X11Display({ display: ":7" }).screenDisplay(1)).toBe(":7.1");
    expect(new X11Display({ display: ":7.0" }).screenDisplay(2)).toBe(":7.2");
    expect(new X11Display({ display: "localhost:10.0" }).screenDisplay(0)).toBe("localhost:10.0");
    expect(new X11Display({ env: { DISPLAY: ":3" } }).screenDisplay()).toBe(":3");
    expect(new X11Display({ env: {} }).display).toBeNull();
  });
});

describe("JPEG header", () => {
  it("reads the frame size after APP segments and refuses non-JPEG bytes", () => {
    // SOI, APP0 (16 bytes), SOF2 (progressive) 1080×1920.
    const app0 = [0xff, 0xe0, 0x00, 0x10, ...new Array(14).fill(0)];
    const sof2 = [0xff, 0xc2, 0x00, 0x11, 0x08, 0x04, 0x38, 0x07, 0x80, 0x03];
    expect(jpegSize(Uint8Array.from([0xff, 0xd8, ...app0, ...sof2]))).toEqual({ width: 1920, height: 1080 });
    expect(jpegSize(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });
});

describe("browser URLs from titles", () => {
  it("takes a URL only from a browser's title, reduced to scheme, host and path", () => {
    expect(urlFromTitle("firefox", "Docs — https://example.com/a/b?token=secret#x — Mozilla Firefox")).toBe("https://example.com/a/b");
    expect(urlFromTitle("Google-chrome", "(https://intra.example.org/wiki).")).toBe("https://intra.example.org/wiki");
    expect(urlFromTitle("firefox", "Inbox - Mozilla Firefox")).toBeNull();
    expect(urlFromTitle("XTerm", "curl https://example.com/")).toBeNull();
    expect(urlFromTitle("firefox", null)).toBeNull();
  });
});

describe("memory-only spool", () => {
  it("accepts tmpfs and ramfs only", async () => {
    expect(isMemoryFsType(0x01021994)).toBe(true);
    expect(isMemoryFsType(0x858458f6)).toBe(true);
    expect(isMemoryFsType(0xef53)).toBe(false); // ext4
    const types: Record<string, number> = { "/disk": 0xef53, "/mem": 0x01021994 };
    const typeOf = async (d: string) => { if (!(d in types)) throw new Error("ENOENT"); return types[d]!; };
    expect(await findMemoryDir([undefined, "/missing", "/disk"], typeOf)).toBeNull();
  });

  it("refuses to run ImageMagick when only disk directories exist", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wt-spool-"));
    try {
      const spool = new MemorySpool({ dir, env: {}, typeOf: async () => 0xef53 });
      let ran = false;
      const err = await spool.run("import", async () => { ran = true; }).catch((e) => e);
      expect(err).toBeInstanceOf(CollectorError);
      expect(err.code).toBe("no_memory_spool");
      expect(ran).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives each call a private directory and removes it afterwards, also on failure", async () => {
    const base = await mkdtemp(join(tmpdir(), "wt-spool-"));
    try {
      const spool = new MemorySpool({ dir: base, typeOf: async () => 0x01021994 });
      let seen = "";
      const env = await spool.run("convert", async (e, dir) => { seen = dir; return e; });
      expect(env.MAGICK_TMPDIR).toBe(seen);
      expect(env.TMPDIR).toBe(seen);
      expect(seen.startsWith(join(base, "worktrail-shot-"))).toBe(true);
      const { readdir, stat } = await import("node:fs/promises");
      expect(await readdir(base)).toEqual([]);
      await expect(spool.run("convert", async (_e, dir) => { seen = dir; expect((await stat(dir)).mode & 0o777).toBe(0o700); throw new Error("boom"); })).rejects.toThrow("boom");
      expect(await readdir(base)).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("typed errors instead of crashes", () => {
  it("reports a missing program as tool_missing with its package", async () => {
    const c = createX11Collectors({ display: ":0", env: { PATH: "/nonexistent" } });
    const err = await c.idle.idleSeconds().catch((e) => e);
    expect(err).toBeInstanceOf(CollectorError);
    expect(err).toMatchObject({ code: "tool_missing", tool: "xprintidle" });
    expect(err.hint).toBe("xprintidle");
    await expect(c.window.activeWindow()).rejects.toMatchObject({ code: "tool_missing", tool: "xdotool" });
  });

  it("reports no DISPLAY as no_display without running anything", async () => {
    const c = createX11Collectors({ env: { PATH: "/nonexistent" } });
    await expect(c.idle.idleSeconds()).rejects.toMatchObject({ code: "no_display" });
    await expect(c.window.activeWindow()).rejects.toMatchObject({ code: "no_display" });
    await expect(c.screen.capture({ blur: false })).rejects.toMatchObject({ code: "no_display" });
  });

  it("kills a program that hangs and reports a timeout; a non-zero exit is 'failed' with stderr", async () => {
    await expect(runTool("sleep", ["10"], { env: process.env, timeoutMs: 200 })).rejects.toMatchObject({ code: "timeout", tool: "sleep" });
    const err = await runTool(process.execPath, ["-e", "process.stderr.write('X Error of failed request: BadWindow\\n'); process.exit(1)"], { env: process.env, timeoutMs: 5_000 }).catch((e) => e);
    expect(err).toMatchObject({ code: "failed", tool: process.execPath, stderr: "X Error of failed request: BadWindow" });
  });

  it("passes bytes through stdin and returns stdout bytes unchanged", async () => {
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
    const out = await runTool("cat", [], { env: process.env, input: bytes, timeoutMs: 5_000 });
    expect(Buffer.compare(out, Buffer.from(bytes))).toBe(0);
  });
});
