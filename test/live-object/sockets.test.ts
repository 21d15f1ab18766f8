/**
 * Viewers on real sockets of a real Workspace object: snapshot and deltas per scope, no frame for
 * a change a viewer cannot see, moving in and out of a project reach, bad frames closing only their
 * own socket, resync, the upgrade's own errors and the per-viewer socket limit.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import { LIVE_MAX_SOCKETS_PER_VIEWER } from "../../worker/workspace/live/hub";
import {
  ALICE, ALL, BOB, CAROL, closeAll, connect, deltaOf, freshObject, heartbeat, MANAGER, members, MIN, ownerScope, PROJECT_A,
  openUpgrade, PROJECT_B, projects, rowOf, scope, snapshotOf, upgradeRequest,
} from "./support";

afterEach(closeAll);

const onA = { id: "e-a", startMs: Date.now() - 5 * MIN, projectId: PROJECT_A, taskId: null };
const onB = { id: "e-b", startMs: Date.now() - MIN, projectId: PROJECT_B, taskId: null };

describe("snapshot and deltas per scope", () => {
  it("a snapshot on connect holds exactly the members and fields of the scope", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA, app: { name: "Code", title: "x", url: null } }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, entry: onB }));
    const owner = await snapshotOf(await connect(stub, ownerScope()));
    expect(owner.members.map((m) => m.memberId).sort()).toEqual([ALICE, BOB].sort());
    expect(rowOf(owner.members, ALICE)).toMatchObject({ status: "tracking", projectId: PROJECT_A, app: { name: "Code", title: "x", url: null }, activityPercent: null, screenshot: null });
    const self = await snapshotOf(await connect(stub, scope(BOB, members(BOB))));
    expect(self.members).toHaveLength(1);
    expect(self.members[0]!.memberId).toBe(BOB);
    expect(Object.keys(self.members[0]!)).not.toContain("app");
    const pm = await snapshotOf(await connect(stub, scope(MANAGER, { all: false, memberIds: [MANAGER], projectIds: [PROJECT_A] }, { apps: projects(PROJECT_A) })));
    expect(pm.members.map((m) => m.memberId)).toEqual([ALICE]);
    expect(pm.members[0]!.app).toEqual({ name: "Code", title: "x", url: null });
    // Snapshots carry the object's clock.
    expect(typeof owner.epoch).toBe("string");
    expect(owner.epoch).toBe(self.epoch);
    expect(owner.seq).toBe(self.seq);
  });

  it("two viewers with different scopes get different frames from one heartbeat; a viewer who cannot see it gets none", async () => {
    const stub = freshObject();
    const owner = await connect(stub, ownerScope());
    const timeOnly = await connect(stub, scope(CAROL, members(ALICE)));
    const bobSelf = await connect(stub, scope(BOB, members(BOB)));
    for (const v of [owner, timeOnly, bobSelf]) await snapshotOf(v);

    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA, app: { name: "Firefox", title: null, url: "https://example.com/" } }));
    const full = await deltaOf(owner);
    const limited = await deltaOf(timeOnly);
    expect(full.upsert).toHaveLength(1);
    expect(full.upsert[0]).toMatchObject({ memberId: ALICE, app: { name: "Firefox" }, activityPercent: null });
    expect(limited.upsert[0]).toMatchObject({ memberId: ALICE, status: "tracking", projectId: PROJECT_A });
    expect(Object.keys(limited.upsert[0]!)).not.toContain("app");
    expect(Object.keys(limited.upsert[0]!)).not.toContain("activityPercent");
    // One change, one seq, the same for everybody.
    expect(full.seq).toBe(limited.seq);
    await bobSelf.none();
  });

  it("a change only an optional field shows reaches only the viewers who see that field", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA, app: { name: "Code", title: null, url: null } }));
    const apps = await connect(stub, scope(MANAGER, ALL, { apps: ALL }));
    const timeOnly = await connect(stub, scope(CAROL, ALL));
    await snapshotOf(apps);
    await snapshotOf(timeOnly);
    // Same heartbeat time, only the app changes: nothing a time-only viewer sees is different.
    const at = Date.now();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: at, entry: onA }));
    await deltaOf(apps);
    await deltaOf(timeOnly);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: at, entry: onA, app: { name: "Slack", title: null, url: null } }));
    expect((await deltaOf(apps)).upsert[0]!.app).toEqual({ name: "Slack", title: null, url: null });
    await timeOnly.none();
  });

  it("moving to a project out of the reach removes the row for that viewer; moving back brings it back", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA }));
    const pm = await connect(stub, scope(MANAGER, projects(PROJECT_A)));
    const owner = await connect(stub, ownerScope());
    expect((await snapshotOf(pm)).members.map((m) => m.memberId)).toEqual([ALICE]);
    await snapshotOf(owner);

    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onB }));
    const out = await deltaOf(pm);
    expect(out).toMatchObject({ upsert: [], remove: [ALICE] });
    expect((await deltaOf(owner)).upsert[0]).toMatchObject({ memberId: ALICE, projectId: PROJECT_B });

    // While on B, nothing about her reaches the project manager.
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onB, state: "idle" }));
    await deltaOf(owner);
    await pm.none();

    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA }));
    const back = await deltaOf(pm);
    expect(back.remove).toEqual([]);
    expect(back.upsert[0]).toMatchObject({ memberId: ALICE, projectId: PROJECT_A, status: "tracking" });
  });

  it("seq grows with every change within one epoch", async () => {
    const stub = freshObject();
    const v = await connect(stub, ownerScope());
    const snap = await snapshotOf(v);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB }));
    const a = await deltaOf(v);
    const b = await deltaOf(v);
    expect([a.epoch, b.epoch]).toEqual([snap.epoch, snap.epoch]);
    expect(a.seq).toBe(snap.seq + 1);
    expect(b.seq).toBe(snap.seq + 2);
  });
});

describe("client frames", () => {
  it("resync answers a fresh snapshot with the current state", async () => {
    const stub = freshObject();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA }));
    await deltaOf(v);
    v.ws.send(JSON.stringify({ type: "resync", lastSeq: 0 }));
    const snap = await snapshotOf(v);
    expect(snap.members.map((m) => m.memberId)).toEqual([ALICE]);
    expect(snap.members[0]).toMatchObject({ status: "tracking", projectId: PROJECT_A });
  });

  it("ping is answered pong", async () => {
    const stub = freshObject();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    v.ws.send("ping");
    await new Promise((r) => setTimeout(r, 100));
    expect(v.texts).toEqual(["pong"]);
  });

  for (const [what, send, code] of [
    ["binary", (ws: WebSocket) => ws.send(new Uint8Array([1, 2, 3])), LIVE_CLOSE.policy],
    ["not JSON", (ws: WebSocket) => ws.send("hello"), LIVE_CLOSE.policy],
    ["an unknown frame", (ws: WebSocket) => ws.send(JSON.stringify({ type: "subscribe", memberIds: [BOB] })), LIVE_CLOSE.policy],
    ["an oversized frame", (ws: WebSocket) => ws.send(JSON.stringify({ type: "resync", pad: "x".repeat(2000) })), LIVE_CLOSE.tooBig],
  ] as const) {
    it(`${what} closes that socket (${code}) while another keeps receiving`, async () => {
      const stub = freshObject();
      const bad = await connect(stub, ownerScope());
      const good = await connect(stub, ownerScope(CAROL));
      await snapshotOf(bad);
      await snapshotOf(good);
      send(bad.ws);
      expect(await bad.closed).toBe(code);
      await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
      expect((await deltaOf(good)).upsert[0]!.memberId).toBe(ALICE);
      // The closed socket is gone from the object's viewers; the other one stays.
      expect(await stub.liveViewers()).toEqual([CAROL]);
    });
  }
});

describe("the upgrade", () => {
  it("refuses a request that is not an upgrade (426) and a missing or invalid scope (400), as problem+json", async () => {
    const stub = freshObject();
    const plain = await stub.fetch(upgradeRequest({ "x-worktrail-live-scope": JSON.stringify(ownerScope()) }));
    expect(plain.status).toBe(426);
    expect(plain.headers.get("content-type")).toBe("application/problem+json");
    expect(await plain.json()).toMatchObject({ status: 426, code: "websocket_required" });
    const rest = { "x-worktrail-live-session": newId(), "x-worktrail-live-resolved-at": String(Date.now()) };
    for (const header of [undefined, "not json", JSON.stringify({ viewerMemberId: MANAGER, time: { all: "yes" } }), JSON.stringify({ ...ownerScope(), time: { all: false, memberIds: [] } })]) {
      const res = await stub.fetch(upgradeRequest(header === undefined ? { Upgrade: "websocket", ...rest } : { Upgrade: "websocket", ...rest, "x-worktrail-live-scope": header }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_live_scope" });
    }
    expect(await stub.liveViewers()).toEqual([]);
  });

  it("refuses a missing or invalid session id and resolve time (400): the Worker always sends both", async () => {
    const stub = freshObject();
    const base = { Upgrade: "websocket", "x-worktrail-live-scope": JSON.stringify(ownerScope()) };
    const at = String(Date.now());
    for (const [headers, code] of [
      [{ ...base, "x-worktrail-live-resolved-at": at }, "invalid_live_session"],
      [{ ...base, "x-worktrail-live-session": "not-a-session", "x-worktrail-live-resolved-at": at }, "invalid_live_session"],
      [{ ...base, "x-worktrail-live-session": `${newId()},x`, "x-worktrail-live-resolved-at": at }, "invalid_live_session"],
      [{ ...base, "x-worktrail-live-session": newId() }, "invalid_live_resolved_at"],
      [{ ...base, "x-worktrail-live-session": newId(), "x-worktrail-live-resolved-at": "soon" }, "invalid_live_resolved_at"],
      [{ ...base, "x-worktrail-live-session": newId(), "x-worktrail-live-resolved-at": "-5" }, "invalid_live_resolved_at"],
    ] as const) {
      const res = await stub.fetch(upgradeRequest(headers));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code });
    }
    expect(await stub.liveViewers()).toEqual([]);
  });

  it(`refuses a viewer's socket number ${LIVE_MAX_SOCKETS_PER_VIEWER + 1} (429); other viewers are not affected`, async () => {
    const stub = freshObject();
    const mine = [];
    for (let i = 0; i < LIVE_MAX_SOCKETS_PER_VIEWER; i++) mine.push(await connect(stub, ownerScope()));
    const refused = await openUpgrade(stub, ownerScope());
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "too_many_live_connections" });
    const other = await connect(stub, ownerScope(CAROL));
    await snapshotOf(other);
    // Once one closes, the viewer may connect again.
    mine[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    await snapshotOf(await connect(stub, ownerScope()));
  });
});
