/**
 * Viewing screenshots: the Worker decrypts and streams them uncached, every full view is audited and
 * listed for the member, tampering in R2 is detected without a 5xx, and scope follows the role
 * (project managers: only shots taken during time on their projects).
 */
import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, workspaces } from "../../worker/db/schema";
import { readShotScope } from "../../worker/services/screenshots/access";
import { workspaceStub } from "../../worker/services/screenshots/storage";
import { loadActor } from "../../worker/services/actor";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { fetchImage, MIN, placeEntry, placeShot, r2Bytes, rows, slotOf } from "./support";

const audits = (ws: string, action: string) =>
  ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, action)));
const views = (w: RoleWorld, shotId: string, token: string) => api(token, "GET", `/api/v1/workspaces/${w.ws}/screenshots/${shotId}/views`);

describe("GET /workspaces/{id}/screenshots/{shotId}", () => {
  it("streams the decrypted image with no-store caching; a full view is audited and recorded, a thumbnail is not", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 20 * MIN);

    const full = await fetchImage(w.roles.team_manager.token, w.ws, shot.shotId);
    expect(full.status).toBe(200);
    expect(full.bytes).toEqual(shot.image);
    expect(full.headers.get("content-type")).toBe("image/jpeg");
    expect(full.headers.get("cache-control")).toBe("no-store, private");
    expect(full.headers.get("x-content-type-options")).toBe("nosniff");

    const thumb = await fetchImage(w.roles.team_manager.token, w.ws, shot.shotId, "thumb");
    expect(thumb.status).toBe(200);
    expect(thumb.bytes).toEqual(shot.thumbImage);

    const viewed = await audits(w.ws, "screenshot.viewed");
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ actorUserId: w.roles.team_manager.userId, targetType: "screenshot", targetId: shot.shotId });
    expect(JSON.parse(viewed[0]!.data)).toMatchObject({ memberId: w.roles.employee.memberId });
    expect(await rows(w.ws, "select viewer_member_id from screenshot_views where shot_id = ?", shot.shotId))
      .toEqual([{ viewer_member_id: w.roles.team_manager.memberId }]);
  });

  it("lets the member see who viewed their screenshot (and owners, not the managers who looked)", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 20 * MIN);
    await fetchImage(w.roles.team_manager.token, w.ws, shot.shotId);
    await fetchImage(w.roles.owner.token, w.ws, shot.shotId);
    await fetchImage(w.roles.owner.token, w.ws, shot.shotId, "thumb");

    const mine = await views(w, shot.shotId, w.roles.employee.token);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((v: { viewerMemberId: string }) => v.viewerMemberId))
      .toEqual([w.roles.owner.memberId, w.roles.team_manager.memberId]);
    expect(mine.body.items[0].viewerName).toContain("owner");
    expect((await views(w, shot.shotId, w.roles.owner.token)).status).toBe(200);
    const tm = await views(w, shot.shotId, w.roles.team_manager.token);
    expect(tm.status).toBe(403);
    expect(tm.headers.get("content-type")).toContain("application/problem+json");
    expect((await views(w, shot.shotId, w.roles.project_viewer.token)).status).toBe(404);
  });

  it("detects a flipped byte in R2: 409 screenshot_corrupt (never a 5xx), audited, no view recorded", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 20 * MIN);
    const stored = (await r2Bytes(shot.keys.full))!;
    for (const i of [20, stored.length >> 1, stored.length - 1]) {
      const tampered = stored.slice();
      tampered[i]! ^= 0x01;
      await env.SCREENSHOTS.put(shot.keys.full, tampered);
      const res = await fetchImage(w.roles.owner.token, w.ws, shot.shotId);
      expect(res.status).toBe(409);
      const body = JSON.parse(new TextDecoder().decode(res.bytes));
      expect(body.code).toBe("screenshot_corrupt");
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    // The thumbnail cannot stand in for the image either (each envelope is bound to its variant).
    await env.SCREENSHOTS.put(shot.keys.full, (await r2Bytes(shot.keys.thumb))!);
    expect((await fetchImage(w.roles.owner.token, w.ws, shot.shotId)).status).toBe(409);
    expect(await audits(w.ws, "screenshot.integrity_failed")).toHaveLength(4);
    expect(await audits(w.ws, "screenshot.viewed")).toHaveLength(0);
    expect(await rows(w.ws, "select * from screenshot_views")).toEqual([]);
    // Restored, it opens again.
    await env.SCREENSHOTS.put(shot.keys.full, stored);
    expect((await fetchImage(w.roles.owner.token, w.ws, shot.shotId)).bytes).toEqual(shot.image);
  });

  it("project managers see screenshots of time on their projects only, whoever tracked it", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const base = slotOf(Date.now()) - 6 * 60 * MIN;
    await placeEntry(w.ws, emp, base, base + 60 * MIN, w.projectA);
    await placeEntry(w.ws, emp, base + 60 * MIN, base + 120 * MIN, w.projectB);
    const onA = await placeShot(w.ws, emp, base + 30 * MIN);
    const onB = await placeShot(w.ws, emp, base + 90 * MIN);
    const outside = await placeShot(w.ws, emp, base + 150 * MIN);
    const pm = w.roles.project_manager.token;
    expect((await fetchImage(pm, w.ws, onA.shotId, "thumb")).status).toBe(200);
    expect((await fetchImage(pm, w.ws, onB.shotId, "thumb")).status).toBe(404);
    expect((await fetchImage(pm, w.ws, outside.shotId, "thumb")).status).toBe(404);
    // The team manager of the employee's team sees all three.
    for (const s of [onA, onB, outside]) expect((await fetchImage(w.roles.team_manager.token, w.ws, s.shotId, "thumb")).status).toBe(200);

    const list = await api(pm, "GET", `/api/v1/workspaces/${w.ws}/members/${emp}/screenshots?from=${base}&to=${base + 180 * MIN}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([onA.shotId]);
  });

  it("the owner's toggle withholds screenshots from every manager but not from the owner or the member", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 20 * MIN);
    await ctx().db.update(workspaces).set({ managersSeeScreenshots: false }).where(eq(workspaces.id, w.ws));
    for (const role of ["executive", "team_manager", "project_manager", "project_viewer"] as const) {
      expect((await fetchImage(w.roles[role].token, w.ws, shot.shotId, "thumb")).status, role).toBe(404);
    }
    expect((await fetchImage(w.roles.owner.token, w.ws, shot.shotId, "thumb")).status).toBe(200);
    expect((await fetchImage(w.roles.employee.token, w.ws, shot.shotId, "thumb")).status).toBe(200);
  });

  it("answers 404 for unknown, malformed and foreign ids, and 422 for an unknown variant", async () => {
    const w = await roleWorld();
    const shot = await placeShot(w.ws, w.roles.employee.memberId, Date.now() - 20 * MIN);
    const owner = w.roles.owner.token;
    expect((await fetchImage(owner, w.ws, "0193f1f2-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await fetchImage(owner, w.ws, "not-an-id")).status).toBe(404);
    expect((await fetchImage(w.foreign.owner.token, w.ws, shot.shotId)).status).toBe(404);
    const foreignShot = await placeShot(w.foreign.ws, w.foreign.owner.memberId, Date.now() - 20 * MIN);
    expect((await fetchImage(owner, w.ws, foreignShot.shotId)).status).toBe(404);
    expect((await api(owner, "GET", `/api/v1/workspaces/${w.ws}/screenshots/${shot.shotId}?variant=raw`)).status).toBe(422);
    expect((await api(null, "GET", `/api/v1/workspaces/${w.ws}/screenshots/${shot.shotId}`)).status).toBe(401);
  });
});

describe("GET /workspaces/{id}/members/{memberId}/screenshots", () => {
  it("lists a member's screenshots in a range, oldest first, page by page, without storage keys", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const base = slotOf(Date.now()) - 5 * 60 * MIN;
    const shots = [];
    for (let i = 0; i < 5; i++) shots.push(await placeShot(w.ws, emp, base + i * 10 * MIN + MIN));
    await placeShot(w.ws, w.employee2.memberId, base + MIN);
    const path = `/api/v1/workspaces/${w.ws}/members/${emp}/screenshots`;
    const first = await api(w.roles.employee.token, "GET", `${path}?from=${base}&to=${base + 60 * MIN}&limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual(shots.slice(0, 3).map((s) => s.shotId));
    expect(first.body.items[0]).toMatchObject({
      memberId: emp, takenAt: base + MIN, slotStart: base, contentType: "image/jpeg",
      thumbUrl: `/api/v1/workspaces/${w.ws}/screenshots/${shots[0]!.shotId}?variant=thumb`,
    });
    expect(JSON.stringify(first.body)).not.toContain("ws/");
    const second = await api(w.roles.employee.token, "GET", `${path}?from=${base}&to=${base + 60 * MIN}&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((s: { id: string }) => s.id)).toEqual(shots.slice(3).map((s) => s.shotId));
    expect(second.body.nextCursor).toBeNull();
    const narrow = await api(w.roles.employee.token, "GET", `${path}?from=${base + 10 * MIN}&to=${base + 20 * MIN}`);
    expect(narrow.body.items.map((s: { id: string }) => s.id)).toEqual([shots[1]!.shotId]);
  });

  it("answers 404 for members outside the scope and 422 for bad ranges and cursors", async () => {
    const w = await roleWorld();
    const now = Date.now();
    const path = (m: string) => `/api/v1/workspaces/${w.ws}/members/${m}/screenshots?from=${now - 60 * MIN}&to=${now}`;
    expect((await api(w.roles.employee.token, "GET", path(w.employee2.memberId))).status).toBe(404);
    expect((await api(w.roles.team_manager.token, "GET", path(w.employee2.memberId))).status).toBe(404);
    expect((await api(w.roles.project_viewer.token, "GET", path(w.roles.employee.memberId))).status).toBe(404);
    expect((await api(w.roles.owner.token, "GET", path(w.foreign.owner.memberId))).status).toBe(404);
    const own = `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/screenshots`;
    const t = w.roles.employee.token;
    expect((await api(t, "GET", `${own}?from=${now}&to=${now - 1}`)).body.errors[0].code).toBe("invalid_range");
    expect((await api(t, "GET", `${own}?from=0&to=${now}`)).body.errors[0].code).toBe("range_too_long");
    expect((await api(t, "GET", `${own}?from=${now - 1000}&to=${now}&cursor=abc`)).body.errors[0].code).toBe("invalid_cursor");
    expect((await api(t, "GET", `${own}?to=${now}`)).status).toBe(422);
    // The largest page is allowed (the Worker asks the object for one more, to know about a next page).
    expect((await api(t, "GET", `${own}?from=${now - 1000}&to=${now}&limit=500`)).status).toBe(200);
    expect((await api(t, "GET", `${own}?from=${now - 1000}&to=${now}&limit=501`)).status).toBe(422);
  });
});

describe("memberDay with screenshots", () => {
  it("includes the screenshots the viewer's scope covers, and none without a scope", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee.memberId;
    const base = slotOf(Date.now()) - 3 * 60 * MIN;
    await placeEntry(w.ws, emp, base, base + 30 * MIN, w.projectA);
    const onA = await placeShot(w.ws, emp, base + 10 * MIN);
    await placeShot(w.ws, emp, base + 60 * MIN);
    const stub = workspaceStub(env, w.ws);
    const pmActor = await loadActor(ctx(), { userId: w.roles.project_manager.userId, email: "", name: "", sessionId: "", amr: [], emailVerified: true, totpEnabled: false }, w.ws);
    const day = await stub.memberDay(emp, base, base + 120 * MIN, await readShotScope(ctx(), pmActor));
    expect(day.entries).toHaveLength(1);
    expect(day.screenshots.map((s) => s.id)).toEqual([onA.shotId]);
    expect((await stub.memberDay(emp, base, base + 120 * MIN)).screenshots).toEqual([]);
    expect((await stub.memberDay(emp, base, base + 120 * MIN, { all: true })).screenshots).toHaveLength(2);
  });
});
