/**
 * POST /agent/screenshots end to end: device token → checks → R2 (ciphertext only, under keys the
 * server derives) → the workspace object's row. Also the workspace key (created with the workspace,
 * or lazily) that agents get with their settings.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { generateWorkspaceKeyPair, openScreenshot } from "../../worker/crypto/hpke";
import { NO_SCREENSHOTS, workspaceKeys } from "../../worker/db/schema";
import { workspacePrivateKey } from "../../worker/services/screenshots/keys";
import { screenshotKeys } from "../../worker/services/screenshots/storage";
import { createUser, ctx, roleWorld, tokenFor, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, signInAgent } from "../tracking-d1/support";
import { contains, iso, jpeg, MIN, r2Bytes, retentionMarker, rows, sealedShot, slotOf, upload } from "./support";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SOI = [0xff, 0xd8, 0xff];
const JFIF = [0x4a, 0x46, 0x49, 0x46];

async function employeeAgent(w: RoleWorld) {
  const agent = await signInAgent(w.roles.employee.token, w.ws);
  const settings = await agentSettings(agent.deviceToken);
  expect(settings.status).toBe(200);
  return { ...agent, publicKey: settings.body.screenshotPublicKey as string };
}

async function objectsUnder(ws: string) {
  return (await env.SCREENSHOTS.list({ prefix: `ws/${ws}/` })).objects.map((o) => o.key);
}

const shotRows = (ws: string) => rows(ws, "select * from screenshots order by taken_at_ms, id");

describe("workspace screenshot keys", () => {
  it("are created with the workspace, and private keys are stored only wrapped", async () => {
    const u = await createUser();
    const res = await api(await tokenFor(u.id), "POST", "/api/v1/workspaces", { name: "Keyed" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = await ctx().db.select().from(workspaceKeys).where(eq(workspaceKeys.workspaceId, res.body.id));
    expect(row?.publicKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(row?.wrappedPrivateKey.startsWith("v1.")).toBe(true);
    expect((await workspacePrivateKey(ctx(), res.body.id))?.length).toBe(32);
  });

  it("are created on first need for older workspaces and given to agents, the same every time", async () => {
    const w = await roleWorld();
    expect(await ctx().db.select().from(workspaceKeys).where(eq(workspaceKeys.workspaceId, w.ws))).toHaveLength(0);
    const a = await employeeAgent(w);
    const again = await agentSettings(a.deviceToken);
    expect(again.body.screenshotPublicKey).toBe(a.publicKey);
    expect(await ctx().db.select().from(workspaceKeys).where(eq(workspaceKeys.workspaceId, w.ws))).toHaveLength(1);
  });
});

describe("POST /agent/screenshots", () => {
  it("stores only ciphertext in R2, under keys the server derives, that only the workspace key opens", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    const res = await upload(a.deviceToken, s);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ shotId: s.shotId, status: "stored" });

    const keys = screenshotKeys(w.ws, a.memberId, s.takenAt, s.shotId);
    expect(keys.full).toBe(`ws/${w.ws}/m/${a.memberId}/${iso(s.takenAt).slice(0, 10)}/${s.shotId}`);
    expect((await objectsUnder(w.ws)).sort()).toEqual([keys.full, keys.thumb].sort());
    for (const [key, plain, variant] of [[keys.full, s.image, "full"], [keys.thumb, s.thumbImage, "thumb"]] as const) {
      const stored = (await r2Bytes(key))!;
      expect(String.fromCharCode(...stored.slice(0, 4))).toBe("WTS1");
      expect(contains(stored, JPEG_SOI)).toBe(false);
      expect(contains(stored, JFIF)).toBe(false);
      expect(contains(stored, PNG_MAGIC)).toBe(false);
      const binding = { workspaceId: w.ws, memberId: a.memberId, shotId: s.shotId, variant };
      expect(await openScreenshot((await workspacePrivateKey(ctx(), w.ws))!, stored, binding)).toEqual(plain);
      await expect(openScreenshot((await generateWorkspaceKeyPair()).privateKey, stored, binding)).rejects.toThrow();
    }

    const [row] = await shotRows(w.ws);
    expect(row).toMatchObject({
      id: s.shotId, member_id: a.memberId, device_id: a.deviceId, taken_at_ms: s.takenAt, slot_start_ms: slotOf(s.takenAt),
      display: 0, activity_pct: 62, app: "Code", content_type: "image/jpeg", r2_key: keys.full, thumb_r2_key: keys.thumb,
      size_bytes: s.full.length, thumb_bytes: s.thumb.length, deleted_at: null,
    });
  });

  it("is idempotent: a re-upload answers duplicate and writes nothing again", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    expect((await upload(a.deviceToken, s)).status).toBe(201);
    const keys = screenshotKeys(w.ws, a.memberId, s.takenAt, s.shotId);
    const before = await r2Bytes(keys.full);
    const beforeRows = await shotRows(w.ws);
    // Sealing is randomized: a second write would change the stored bytes.
    const resealed = await sealedShot(a.publicKey, w.ws, a.memberId, { shotId: s.shotId, takenAt: s.takenAt });
    for (let i = 0; i < 2; i++) {
      const again = await upload(a.deviceToken, resealed);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ shotId: s.shotId, status: "duplicate" });
    }
    expect(await r2Bytes(keys.full)).toEqual(before);
    expect(await shotRows(w.ws)).toEqual(beforeRows);
  });

  it("refuses another member's shot id without touching it", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    await upload(a.deviceToken, s);
    const other = await signInAgent(w.employee2.token, w.ws);
    const theirs = await sealedShot(a.publicKey, w.ws, other.memberId, { shotId: s.shotId });
    const res = await upload(other.deviceToken, theirs);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("id_conflict");
    expect(await objectsUnder(w.ws)).toHaveLength(2);
    expect((await shotRows(w.ws)).map((r) => r.member_id)).toEqual([a.memberId]);
  });

  it("enforces size limits with 413 and stores nothing", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const big = await sealedShot(a.publicKey, w.ws, a.memberId, { image: jpeg(3 * 1024 * 1024) });
    const tooBigFull = await upload(a.deviceToken, big);
    expect(tooBigFull.status).toBe(413);
    expect(tooBigFull.body.code).toBe("payload_too_large");
    expect(tooBigFull.body.errors).toEqual([expect.objectContaining({ field: "full" })]);

    const bigThumb = await sealedShot(a.publicKey, w.ws, a.memberId, { thumb: jpeg(200 * 1024) });
    const tooBigThumb = await upload(a.deviceToken, bigThumb);
    expect(tooBigThumb.status).toBe(413);
    expect(tooBigThumb.body.errors).toEqual([expect.objectContaining({ field: "thumb" })]);

    // Beyond the route's 4 MB body limit the request is refused before it is parsed.
    const huge = await upload(a.deviceToken, { meta: big.meta, full: new Uint8Array(4 * 1024 * 1024 + 10), thumb: big.thumb });
    expect(huge.status).toBe(413);

    // Just under the limits is fine.
    const edge = await sealedShot(a.publicKey, w.ws, a.memberId, { image: jpeg(3 * 1024 * 1024 - 200), thumb: jpeg(200 * 1024 - 200) });
    expect((await upload(a.deviceToken, edge)).status).toBe(201);
    expect(await objectsUnder(w.ws)).toHaveLength(2);
    expect(await shotRows(w.ws)).toHaveLength(1);
  });

  it("refuses anything that is not an envelope (422), so no plaintext can reach R2", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    const plain = await upload(a.deviceToken, { meta: s.meta, full: s.image, thumb: s.thumb });
    expect(plain.status).toBe(422);
    expect(plain.body.errors).toEqual([expect.objectContaining({ field: "full", code: "not_encrypted" })]);
    // Right magic, wrong structure.
    const fake = new TextEncoder().encode("WTS1 but not really an envelope at all, just text pretending to be one........");
    const forged = await upload(a.deviceToken, { meta: s.meta, full: s.full, thumb: fake });
    expect(forged.status).toBe(422);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: "thumb", code: "not_encrypted" })]);
    const missing = await upload(a.deviceToken, { meta: s.meta, full: s.full });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: "thumb", code: "required" })]);
    const asText = await upload(a.deviceToken, { meta: s.meta, full: "V1RTMQ==", thumb: s.thumb });
    expect(asText.status).toBe(422);
    expect(await objectsUnder(w.ws)).toEqual([]);
    expect(await shotRows(w.ws)).toEqual([]);
  });

  it.each([
    ["no shot id", (m: Record<string, unknown>) => ({ ...m, shotId: undefined }), "meta.shotId"],
    ["a UUIDv4 shot id", (m: Record<string, unknown>) => ({ ...m, shotId: crypto.randomUUID() }), "meta.shotId"],
    ["an unknown field", (m: Record<string, unknown>) => ({ ...m, r2Key: "ws/other/m/x/y" }), "meta.r2Key"],
    ["a slot off the 10-minute grid", (m: Record<string, unknown>) => ({ ...m, slotStart: iso(Date.parse(String(m.slotStart)) + MIN) }), "meta.slotStart"],
    ["takenAt outside its slot", (m: Record<string, unknown>) => ({ ...m, slotStart: iso(Date.parse(String(m.slotStart)) - 20 * MIN) }), "meta.takenAt"],
    ["activity above 100", (m: Record<string, unknown>) => ({ ...m, activity: 101 }), "meta.activity"],
    ["an unsupported content type", (m: Record<string, unknown>) => ({ ...m, contentType: "text/html" }), "meta.contentType"],
    ["a display out of range", (m: Record<string, unknown>) => ({ ...m, display: 99 }), "meta.display"],
  ])("rejects meta with %s (422 naming the field) and stores nothing", async (_name, change, field) => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    const res = await upload(a.deviceToken, { ...s, meta: change(s.meta) });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await objectsUnder(w.ws)).toEqual([]);
    expect(await shotRows(w.ws)).toEqual([]);
  });

  it("rejects meta that is not JSON, a user token, and a body that is not multipart", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    const notJson = await upload(a.deviceToken, { ...s, meta: "{shotId:" });
    expect(notJson.status).toBe(422);
    expect(notJson.body.errors).toEqual([expect.objectContaining({ field: "meta", code: "invalid_json" })]);
    expect((await upload(w.roles.employee.token, s)).status).toBe(401);
    const json = await api(a.deviceToken, "POST", "/api/v1/agent/screenshots", { meta: s.meta });
    expect(json.status).toBe(415);
    expect(json.headers.get("content-type")).toContain("application/problem+json");
    expect(await shotRows(w.ws)).toEqual([]);
  });

  it("applies the clock offset and refuses shots from the future or older than the retention", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    // The agent's clock is an hour behind: its "now" is the server's now - 1 h.
    const agentNow = Date.now() - 60 * MIN;
    const takenAt = agentNow - 2 * MIN;
    const s = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt, meta: { sentAt: iso(agentNow) } });
    expect((await upload(a.deviceToken, s)).status).toBe(201);
    const [row] = await shotRows(w.ws);
    expect(Math.abs(Number(row!.taken_at_ms) - (takenAt + 60 * MIN))).toBeLessThan(30_000);
    expect(Number(row!.slot_start_ms) % (10 * MIN)).toBe(0);

    const future = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: Date.now() + 30 * MIN });
    const f = await upload(a.deviceToken, future);
    expect(f.status).toBe(422);
    expect(f.body.errors).toEqual([expect.objectContaining({ field: "meta.takenAt", code: "in_future" })]);

    const old = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: Date.now() - 31 * 24 * 60 * MIN });
    const o = await upload(a.deviceToken, old);
    expect(o.status).toBe(422);
    expect(o.body.errors).toEqual([expect.objectContaining({ field: "meta.takenAt", code: "too_old" })]);
    expect(await shotRows(w.ws)).toHaveLength(1);
  });

  it("lowers the workspace's retention marker to the oldest shot stored, and leaves it for refused ones", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    expect(await retentionMarker(w.ws)).toBe(NO_SCREENSHOTS);
    const day = 24 * 60 * MIN;
    const now = Date.now();
    const shot = (takenAt: number) => sealedShot(a.publicKey, w.ws, a.memberId, { takenAt });

    const first = await shot(now - 3 * day);
    expect((await upload(a.deviceToken, first)).status).toBe(201);
    expect(await retentionMarker(w.ws)).toBe(first.takenAt);
    expect((await upload(a.deviceToken, await shot(now - 60 * MIN))).status).toBe(201);
    expect(await retentionMarker(w.ws)).toBe(first.takenAt);
    // Refused (older than the 30-day retention): nothing stored, the marker stays.
    expect((await upload(a.deviceToken, await shot(now - 31 * day))).status).toBe(422);
    expect(await retentionMarker(w.ws)).toBe(first.takenAt);
    const older = await shot(now - 10 * day);
    expect((await upload(a.deviceToken, older)).status).toBe(201);
    expect(await retentionMarker(w.ws)).toBe(older.takenAt);
  });

  it("refuses shots while the workspace takes none (409 screenshots_disabled)", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const stored = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: Date.now() - 30 * MIN });
    expect((await upload(a.deviceToken, stored)).status).toBe(201);
    expect((await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { screenshotsPerSlot: 0 })).status).toBe(200);
    const s = await sealedShot(a.publicKey, w.ws, a.memberId);
    const res = await upload(a.deviceToken, s);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("screenshots_disabled");
    // A retry of what was stored before still answers duplicate.
    expect((await upload(a.deviceToken, stored)).body.status).toBe("duplicate");
    expect(await shotRows(w.ws)).toHaveLength(1);
    expect(await objectsUnder(w.ws)).toHaveLength(2);
  });

  it("takes at most screenshots-per-slot capture moments per member and slot (409 slot_full)", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    const slot = slotOf(Date.now() - 30 * MIN);
    const first = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: slot + MIN });
    expect((await upload(a.deviceToken, first)).status).toBe(201);
    // The same moment on a second display is part of the same capture.
    const display1 = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: slot + MIN, display: 1 });
    expect((await upload(a.deviceToken, display1)).status).toBe(201);
    // A second moment in the slot is one too many at the default of 1 per 10 minutes...
    const second = await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: slot + 5 * MIN });
    const full = await upload(a.deviceToken, second);
    expect(full.status).toBe(409);
    expect(full.body.code).toBe("slot_full");
    // ...and so is a second shot of a display already captured at that moment.
    const again = await upload(a.deviceToken, await sealedShot(a.publicKey, w.ws, a.memberId, { takenAt: slot + MIN }));
    expect(again.body.code).toBe("slot_full");
    expect(await objectsUnder(w.ws)).toHaveLength(4);
    // Another member's slot is their own; raising the setting makes room.
    const other = await signInAgent(w.employee2.token, w.ws);
    expect((await upload(other.deviceToken, await sealedShot(a.publicKey, w.ws, other.memberId, { takenAt: slot + 5 * MIN }))).status).toBe(201);
    await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { screenshotsPerSlot: 2 });
    expect((await upload(a.deviceToken, second)).status).toBe(201);
    expect((await shotRows(w.ws)).map((r) => r.id).sort()).toHaveLength(4);
  });

  it("only ever writes under the device's own member, whatever the meta says", async () => {
    const w = await roleWorld();
    const a = await employeeAgent(w);
    // An envelope sealed for someone else is still stored under the uploader (and will not open there).
    const s = await sealedShot(a.publicKey, w.ws, w.employee2.memberId, { shotId: v7() });
    expect((await upload(a.deviceToken, s)).status).toBe(201);
    const [row] = await shotRows(w.ws);
    expect(row!.member_id).toBe(a.memberId);
    expect(String(row!.r2_key)).toContain(`/m/${a.memberId}/`);
  });
});
