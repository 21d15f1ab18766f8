/** Records and a key store for the queue and sync tests. */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v7 } from "uuid";
import type { KeyStore } from "../src/core/ports";
import type { QueuedRecord, ScreenshotRecord } from "../src/core/records";

export const tempDir = (prefix = "wt-queue-") => mkdtemp(join(tmpdir(), prefix));

export function memoryKeyStore(key: Uint8Array = randomBytes(32)): KeyStore & { key: Uint8Array } {
  return { key, loadOrCreateKey: async () => key };
}

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

export function timeEntry(id: string, rev: number, minutes = rev + 1): QueuedRecord {
  return { kind: "item", item: { kind: "time_entry", id, rev, start: iso(T0), end: iso(T0 + minutes * 60_000), source: "desktop" } };
}

export function usage(title: string, at = 0): QueuedRecord {
  return { kind: "item", item: { kind: "usage", id: v7(), app: "XTerm", title, url: null, start: iso(T0 + at * 1000), end: iso(T0 + at * 1000 + 5000) } };
}

export function slot(id: string, rev: number, tracked: number): QueuedRecord {
  return { kind: "item", item: { kind: "slot", id, rev, slotStart: iso(T0), trackedSeconds: tracked, activeSeconds: Math.floor(tracked / 2) } };
}

/** A stand-in for a sealed screenshot: the queue and the uploader never look inside the envelopes. */
export function screenshot(bytes = 2000): ScreenshotRecord {
  const envelope = (n: number) => Buffer.concat([Buffer.from("WTS1"), randomBytes(n)]).toString("base64");
  return {
    kind: "screenshot", shotId: v7(), takenAt: iso(T0 + 61_000), slotStart: iso(T0), display: 0, activity: 40,
    app: "XTerm", contentType: "image/jpeg", full: envelope(bytes), thumb: envelope(200),
  };
}

export const idOf = (r: QueuedRecord) => (r.kind === "item" ? r.item.id : r.shotId);
