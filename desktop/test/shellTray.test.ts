import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { AgentStatus } from "../src/core/facade";
import { encodePng, trayIconPixels, trayIconPng } from "../src/main/trayIcon";
import { trayModel } from "../src/main/trayModel";
import { formatClock, formatDuration, spanSeconds } from "../src/renderer/format";

const status = (over: Partial<AgentStatus>): AgentStatus => ({
  state: "stopped", workspaceName: "Acme", memberName: "Ada", todaySeconds: 0, running: null, current: null, pendingUploads: 0, online: true, lastSyncAt: null, ...over,
});

describe("durations", () => {
  it("floors to whole minutes", () => {
    expect(formatDuration(0)).toBe("0 min");
    expect(formatDuration(59)).toBe("0 min");
    expect(formatDuration(3720)).toBe("1 h 02 min");
    expect(formatDuration(-5)).toBe("0 min");
    expect(formatClock(8 * 3600 + 5 * 60 + 59)).toBe("8:05");
    expect(spanSeconds("2025-01-31T09:00:00Z", "2025-01-31T09:10:30Z")).toBe(630);
    expect(spanSeconds("2025-01-31T09:00:00Z", null, Date.parse("2025-01-31T09:00:10Z"))).toBe(10);
  });
});

describe("tray model", () => {
  it("shows state and today's total in the tooltip, and the right timer action", () => {
    const tracking = trayModel(status({ state: "tracking", todaySeconds: 2 * 3600 + 15 * 60 + 20 }), null);
    expect(tracking.tooltip).toBe("Worktrail — Tracking · today 2 h 15 min");
    expect(tracking.title).toBe("2:15");
    expect(tracking.items).toContainEqual({ type: "action", action: "stop", label: "Stop timer", enabled: true });
    expect(tracking.items.some((i) => i.type === "action" && i.action === "start")).toBe(false);

    const stopped = trayModel(status({ state: "stopped", todaySeconds: 600 }), null);
    expect(stopped.tooltip).toBe("Worktrail — Stopped · today 10 min");
    expect(stopped.title).toBe("");
    expect(stopped.items).toContainEqual({ type: "action", action: "start", label: "Start timer", enabled: true });

    expect(trayModel(status({ state: "idle", todaySeconds: 60 }), null).items).toContainEqual({ type: "action", action: "stop", label: "Stop timer", enabled: true });
  });

  it("signed out: no timer, a way to sign in, and always a way to quit", () => {
    const m = trayModel(status({ state: "signed_out" }), null);
    expect(m.tooltip).toBe("Worktrail — Signed out");
    expect(m.items.filter((i) => i.type === "action").map((i) => i.type === "action" && i.action)).toEqual(["open", "quit"]);
  });

  it("says when it is offline with uploads waiting, and offers a ready update", () => {
    const m = trayModel(status({ state: "tracking", online: false, pendingUploads: 12, todaySeconds: 60 }), "1.2.0");
    expect(m.tooltip).toContain("offline, 12 waiting to upload");
    expect(m.items).toContainEqual({ type: "action", action: "restart-to-update", label: "Restart to update (1.2.0)", enabled: true });
  });

  it("changes its key only when what it shows changes (no redraw every second)", () => {
    const a = trayModel(status({ state: "tracking", todaySeconds: 600 }), null);
    const b = trayModel(status({ state: "tracking", todaySeconds: 659 }), null);
    const c = trayModel(status({ state: "tracking", todaySeconds: 660 }), null);
    expect(b.key).toBe(a.key);
    expect(c.key).not.toBe(a.key);
  });
});

describe("tray icon", () => {
  it("draws a distinct dot per state: a ring when signed out, colour for tracking and idle", () => {
    const at = (px: Uint8Array, x: number, y: number, size: number) => Array.from(px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4));
    const size = 32;
    const centre = (s: Parameters<typeof trayIconPixels>[0]) => at(trayIconPixels(s, size), 16, 16, size);
    expect(centre("signed_out")[3]).toBe(0); // hollow
    expect(centre("stopped")).toEqual([128, 128, 128, 255]);
    expect(centre("tracking")).toEqual([34, 160, 90, 255]);
    expect(centre("idle")).toEqual([224, 160, 0, 255]);
    expect(at(trayIconPixels("tracking", size), 0, 0, size)[3]).toBe(0); // transparent corner
  });

  it("encodes a valid PNG (signature, chunk CRCs, pixels round-trip)", async () => {
    const png = trayIconPng("tracking", 16);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // Walk the chunks, checking each CRC with zlib's crc32 and collecting IDAT.
    const { crc32 } = await import("node:zlib");
    let off = 8;
    const types: string[] = [];
    const idat: Buffer[] = [];
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const type = png.toString("ascii", off + 4, off + 8);
      const data = png.subarray(off + 8, off + 8 + len);
      expect(png.readUInt32BE(off + 8 + len)).toBe(crc32(png.subarray(off + 4, off + 8 + len)));
      types.push(type);
      if (type === "IDAT") idat.push(data);
      off += 12 + len;
    }
    expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
    const raw = inflateSync(Buffer.concat(idat));
    const px = trayIconPixels("tracking", 16);
    for (let y = 0; y < 16; y++) {
      expect(raw[y * 65]).toBe(0);
      expect(raw.subarray(y * 65 + 1, y * 65 + 65).equals(Buffer.from(px.subarray(y * 64, y * 64 + 64)))).toBe(true);
    }
    expect(() => encodePng(new Uint8Array(3), 1, 1)).toThrow();
  });

  it("is read by ImageMagick as a 32×32 RGBA PNG", async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), "wt-icon-"));
    try {
      const file = join(dir, "icon.png");
      await writeFile(file, trayIconPng("idle", 32));
      let out: string;
      try {
        ({ stdout: out } = await promisify(execFile)("identify", ["-format", "%m %w %h %A", file]));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return ctx.skip("ImageMagick is not installed");
        throw e;
      }
      expect(out.trim()).toMatch(/^PNG 32 32 (Blend|True)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
