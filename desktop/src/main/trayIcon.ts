/**
 * The tray icon, drawn in code (a coloured dot per state) and encoded as PNG, so the shell ships no
 * binary assets and the state is readable at 16 px on every desktop: grey ring = signed out, grey dot
 * = stopped, green = tracking, amber = idle. Electron-free; tray.ts turns it into a nativeImage.
 */
import { deflateSync } from "node:zlib";
import type { TrackerState } from "../core/facade";

type Rgb = readonly [number, number, number];

const STYLE: Record<TrackerState, { color: Rgb; ring: boolean }> = {
  signed_out: { color: [128, 128, 128], ring: true },
  stopped: { color: [128, 128, 128], ring: false },
  tracking: { color: [34, 160, 90], ring: false },
  idle: { color: [224, 160, 0], ring: false },
};

/** RGBA pixels of the state's dot on a transparent square of `size` px, anti-aliased by 4×4 supersampling. */
export function trayIconPixels(state: TrackerState, size: number): Uint8Array {
  const { color, ring } = STYLE[state];
  const px = new Uint8Array(size * size * 4);
  const c = size / 2;
  const outer = size * 0.42;
  const inner = ring ? size * 0.26 : -1;
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const d = Math.hypot(x + (sx + 0.5) / n - c, y + (sy + 0.5) / n - c);
          if (d <= outer && d >= inner) hits++;
        }
      }
      const i = (y * size + x) * 4;
      px[i] = color[0];
      px[i + 1] = color[1];
      px[i + 2] = color[2];
      px[i + 3] = Math.round((255 * hits) / (n * n));
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A minimal PNG (8-bit RGBA, no interlace, filter 0 on every row). */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new Error("encodePng: pixel buffer does not match the size");
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

export function trayIconPng(state: TrackerState, size: number): Buffer {
  return encodePng(trayIconPixels(state, size), size, size);
}
