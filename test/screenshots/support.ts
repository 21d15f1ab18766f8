/**
 * Fixtures for the screenshot tests: images sealed exactly as an agent seals them, multipart uploads
 * through the real Worker, shots placed straight into a workspace (R2 + its object) for the role
 * matrix, time entries written through the real ingest, and direct looks at R2 and the object.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { v7 } from "uuid";
import { SLOT_MS } from "../../worker/contract/agent";
import { sealScreenshot } from "../../worker/crypto/hpke";
import { workspaces } from "../../worker/db/schema";
import { ensureWorkspaceKey } from "../../worker/services/screenshots/keys";
import { lowerOldestScreenshot } from "../../worker/services/screenshots/retention";
import { screenshotKeys, workspaceStub } from "../../worker/services/screenshots/storage";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { ctx } from "../helpers/factory";
import { ORIGIN } from "../helpers/http";

export const MIN = 60_000;
export const slotOf = (ms: number) => ms - (ms % SLOT_MS);
export const iso = (ms: number) => new Date(ms).toISOString();

/** A small but real JPEG (SOI, JFIF APP0, payload, EOI): what an agent captures. */
export function jpeg(size = 4000, seed = 1): Uint8Array {
  const body = Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, ...body, 0xff, 0xd9]);
}

export function contains(hay: Uint8Array, needle: number[]): boolean {
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export interface ShotInput {
  shotId?: string;
  takenAt?: number;
  display?: number;
  image?: Uint8Array;
  thumb?: Uint8Array;
  meta?: Record<string, unknown>;
}

/** Meta and both envelopes of one shot, sealed to the workspace key for (ws, member, shot). */
export async function sealedShot(publicKey: string, ws: string, memberId: string, s: ShotInput = {}) {
  const shotId = s.shotId ?? v7();
  const takenAt = s.takenAt ?? Date.now() - 5 * MIN;
  const image = s.image ?? jpeg();
  const thumbImage = s.thumb ?? jpeg(300, 2);
  const bind = { workspaceId: ws, memberId, shotId };
  return {
    shotId, takenAt, image, thumbImage,
    meta: { shotId, takenAt: iso(takenAt), slotStart: iso(slotOf(takenAt)), display: s.display ?? 0, activity: 62, app: "Code", ...s.meta },
    full: await sealScreenshot(publicKey, image, { ...bind, variant: "full" }),
    thumb: await sealScreenshot(publicKey, thumbImage, { ...bind, variant: "thumb" }),
  };
}

/** POST /api/v1/agent/screenshots as multipart/form-data, like the agent. */
export async function upload(deviceToken: string, parts: { meta: unknown; full?: Uint8Array | string; thumb?: Uint8Array | string }) {
  const form = new FormData();
  form.set("meta", typeof parts.meta === "string" ? parts.meta : JSON.stringify(parts.meta));
  for (const name of ["full", "thumb"] as const) {
    const v = parts[name];
    if (v === undefined) continue;
    if (typeof v === "string") form.set(name, v);
    else form.set(name, new File([new Uint8Array(v)], `${name}.bin`, { type: "application/octet-stream" }));
  }
  const res = await SELF.fetch(`${ORIGIN}/api/v1/agent/screenshots`, { method: "POST", headers: { authorization: `Bearer ${deviceToken}` }, body: form });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* keep text */ }
  return { status: res.status, body, headers: res.headers };
}

/** GET the decrypted image as a signed-in user: status, headers and the raw bytes. */
export async function fetchImage(token: string, ws: string, shotId: string, variant?: "full" | "thumb") {
  const q = variant ? `?variant=${variant}` : "";
  const res = await SELF.fetch(`${ORIGIN}/api/v1/workspaces/${ws}/screenshots/${shotId}${q}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** A shot placed directly (R2, the object's row and D1's retention marker), as an upload would leave it. */
export async function placeShot(ws: string, memberId: string, takenAt: number, shotId = v7()) {
  const publicKey = await ensureWorkspaceKey(ctx(), ws);
  const s = await sealedShot(publicKey, ws, memberId, { shotId, takenAt });
  const keys = screenshotKeys(ws, memberId, takenAt, shotId);
  await env.SCREENSHOTS.put(keys.full, s.full);
  await env.SCREENSHOTS.put(keys.thumb, s.thumb);
  const verdict = await workspaceStub(env, ws).recordScreenshot({
    id: shotId, memberId, deviceId: null, takenAtMs: takenAt, slotStartMs: slotOf(takenAt), display: 0, activityPct: 50, app: "Code",
    contentType: "image/jpeg", r2Key: keys.full, thumbR2Key: keys.thumb, sizeBytes: s.full.length, thumbBytes: s.thumb.length,
    createdAt: Date.now(), perSlot: 3,
  });
  if (verdict !== "new") throw new Error(`placeShot: ${verdict}`);
  await lowerOldestScreenshot(ctx().db, ws, takenAt);
  return { ...s, keys };
}

/** A closed time entry of the member through the real ingest (what the agent would have uploaded). */
export async function placeEntry(ws: string, memberId: string, startMs: number, endMs: number | null, projectId: string | null, timeZone = "UTC") {
  const id = v7();
  const [r] = await workspaceStub(env, ws).ingest({
    memberId, deviceId: "test-device", timeZone, clockOffsetMs: 0, receivedAt: Date.now(),
    items: [{ kind: "time_entry", id, rev: 1, start: iso(startMs), end: endMs === null ? null : iso(endMs), projectId, source: "desktop" }],
  });
  if (r?.status !== "stored") throw new Error(`placeEntry: ${JSON.stringify(r)}`);
  return id;
}

export async function placeSlot(ws: string, memberId: string, slotStartMs: number, trackedSeconds = 600, activeSeconds = 420) {
  const id = v7();
  const [r] = await workspaceStub(env, ws).ingest({
    memberId, deviceId: "test-device", timeZone: "UTC", clockOffsetMs: 0, receivedAt: Date.now(),
    items: [{ kind: "slot", id, rev: 1, slotStart: iso(slotStartMs), trackedSeconds, activeSeconds }],
  });
  if (r?.status !== "stored") throw new Error(`placeSlot: ${JSON.stringify(r)}`);
  return id;
}

/** Rows of a table in the workspace's object (the real SQLite). */
export async function rows(ws: string, sql: string, ...params: SqlStorageValue[]) {
  return runInDurableObject(workspaceStub(env, ws) as DurableObjectStub<WorkspaceObject>, (_o: WorkspaceObject, state) =>
    state.storage.sql.exec(sql, ...params).toArray());
}

export async function r2Bytes(key: string): Promise<Uint8Array | null> {
  const o = await env.SCREENSHOTS.get(key);
  return o ? new Uint8Array(await o.arrayBuffer()) : null;
}

/** D1's retention marker of a workspace (workspaces.oldest_screenshot_at; services/screenshots/retention.ts). */
export async function retentionMarker(ws: string): Promise<number | null | undefined> {
  const [row] = await ctx().db.select({ at: workspaces.oldestScreenshotAt }).from(workspaces).where(eq(workspaces.id, ws));
  return row?.at;
}

export async function setRetentionMarker(ws: string, at: number | null) {
  await ctx().db.update(workspaces).set({ oldestScreenshotAt: at }).where(eq(workspaces.id, ws));
}
