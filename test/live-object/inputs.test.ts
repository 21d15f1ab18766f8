/**
 * Every input of the board through the object's real RPC methods, seen on a real socket:
 * heartbeats, ingested batches (activity %, current app, today's totals without the running entry,
 * per project), the web timer, screenshots (latest, and the fallback when it is deleted), and members
 * leaving the board.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import type { NewShot } from "../../worker/workspace/screenshots";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  ALICE, BOB, closeAll, connect, deltaOf, entry, freshObject, heartbeat, HOUR, ingest, MANAGER, members, middayZone, MIN,
  ownerScope, PROJECT_A, PROJECT_B, projects, rowOf, scope, slot, slotStart, snapshotOf, usage, type Stub,
} from "./support";

afterEach(closeAll);

describe("heartbeats", () => {
  it("tracking, idle and stopped reach the viewer; presence is kept as before", async () => {
    const stub = freshObject();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    const start = Date.now() - 10 * MIN;
    const e = { id: newId(), startMs: start, projectId: PROJECT_A, taskId: null };
    const t0 = Date.now();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: t0, entry: e }));
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ memberId: ALICE, status: "tracking", timerStartedAt: start, projectId: PROJECT_A, source: "desktop", lastSeenAt: t0 });
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: t0 + 1, state: "idle" }));
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "idle", timerStartedAt: start });
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: t0 + 2, state: "stopped", entry: null }));
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "stopped", timerStartedAt: null, projectId: PROJECT_A });
    expect(await stub.presenceOf(ALICE)).toEqual({ state: "stopped", lastHeartbeatAt: t0 + 2 });
    // A retried, older heartbeat changes nothing and sends nothing.
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: t0, entry: e }));
    await v.none();
    expect(await stub.presenceOf(ALICE)).toEqual({ state: "stopped", lastHeartbeatAt: t0 + 2 });
  });

  it("an invalid heartbeat is refused and changes nothing", async () => {
    const stub = freshObject();
    // Called on the instance: an error thrown across the RPC boundary is reported by the test pool as unhandled.
    const outcome = (hb: unknown) => runInDurableObject(stub, async (o: WorkspaceObject) => {
      try {
        await o.recordHeartbeat(hb as Parameters<WorkspaceObject["recordHeartbeat"]>[0]);
        return "accepted";
      } catch (err) {
        return err instanceof Error ? err.name : "thrown";
      }
    });
    expect(await outcome(heartbeat({ memberId: ALICE, timeZone: "Mars/Olympus" }))).toBe("ZodError");
    expect(await outcome({ ...heartbeat({ memberId: ALICE }), offlineAfterMs: -1 })).toBe("ZodError");
    expect(await outcome({ ...heartbeat({ memberId: ALICE }), state: "working" })).toBe("ZodError");
    expect(await outcome({ ...heartbeat({ memberId: ALICE }), entry: { id: "e", startMs: 1, projectId: 5, taskId: null } })).toBe("ZodError");
    expect(await stub.liveBoard(ownerScope())).toEqual([]);
    expect(await stub.presenceOf(ALICE)).toBeNull();
  });
});

describe("ingested batches", () => {
  it("activity %, current app and today's totals (without the running entry, per project), but not status", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const running = entry(T - 20 * MIN, T - MIN); // the agent's entry in progress, stored closed
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T, timeZone: tz, entry: { id: running.id, startMs: T - 20 * MIN, projectId: PROJECT_A, taskId: null } }));
    const owner = await connect(stub, ownerScope());
    const pm = await connect(stub, scope(MANAGER, projects(PROJECT_A), { activity: projects(PROJECT_A) }));
    const before = (await snapshotOf(owner)).members[0]!;
    expect(before).toMatchObject({ todaySeconds: 0, activityPercent: null, app: null });
    await snapshotOf(pm);

    await ingest(stub, ALICE, tz, [
      entry(T - 2 * HOUR, T - 90 * MIN),
      entry(T - 80 * MIN, T - 65 * MIN, { projectId: PROJECT_B }),
      running,
      slot(slotStart(T) - 20 * 60_000, 600, 600),
      slot(slotStart(T) - 10 * 60_000, 600, 450),
      usage(T - 5 * MIN, T - 3 * MIN, { app: "Figma", title: "Board" }),
    ], T + 1);
    const d = await deltaOf(owner);
    expect(d.upsert[0]).toMatchObject({
      memberId: ALICE, status: "tracking", lastSeenAt: T, timerStartedAt: T - 20 * MIN,
      todaySeconds: 45 * 60, activityPercent: 75, app: { name: "Figma", title: "Board", url: null },
    });
    // The project manager sees only the time on project A, and no app (no apps reach).
    const p = (await deltaOf(pm)).upsert[0]!;
    expect(p).toMatchObject({ todaySeconds: 30 * 60, activityPercent: 75 });
    expect("app" in p).toBe(false);

    // The timer stops: its stored part now counts.
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T + 2, timeZone: tz, state: "stopped", entry: null }));
    expect((await deltaOf(owner)).upsert[0]).toMatchObject({ status: "stopped", todaySeconds: 64 * 60 });
    expect((await deltaOf(pm)).upsert[0]).toMatchObject({ todaySeconds: 49 * 60 });
  });

  it("a backlog for a member the board has not heard from adds an offline row, without lastSeenAt", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    await ingest(stub, BOB, tz, [entry(T - 2 * HOUR, T - HOUR)], T);
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ memberId: BOB, status: "offline", lastSeenAt: null, source: null, todaySeconds: 3600 });
    // A replay of the same batch stores nothing and sends nothing.
    const replay = await stub.ingest({ memberId: BOB, deviceId: "d", timeZone: tz, clockOffsetMs: 0, receivedAt: T, items: [] });
    expect(replay).toEqual([]);
    await v.none();
  });

  it("the current entry's project in a batch moves the row (out of a project reach)", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const e = entry(T - 10 * MIN, T - MIN);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T, timeZone: tz, entry: { id: e.id, startMs: T - 10 * MIN, projectId: PROJECT_A, taskId: null } }));
    const pm = await connect(stub, scope(MANAGER, projects(PROJECT_A)));
    await snapshotOf(pm);
    await ingest(stub, ALICE, tz, [{ ...e, projectId: PROJECT_B }], T);
    expect(await deltaOf(pm)).toMatchObject({ upsert: [], remove: [ALICE] });
    expect((await stub.liveBoard(ownerScope()))[0]).toMatchObject({ projectId: PROJECT_B, status: "tracking" });
  });
});

describe("the web timer", () => {
  it("start and stop show on the board with source web", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    const id = newId();
    const started = await stub.timeCommand({ kind: "start", memberId: ALICE, timeZone: tz, at: T, id, source: "web", projectId: PROJECT_A, taskId: null, note: "", billable: false });
    expect(started.ok).toBe(true);
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ memberId: ALICE, status: "tracking", source: "web", timerStartedAt: T, projectId: PROJECT_A, lastSeenAt: T, todaySeconds: 0 });
    // A running timer's project changed by an edit.
    const entryNow = (await stub.runningEntry(ALICE))!;
    await stub.timeCommand({ kind: "update", memberId: ALICE, timeZone: tz, at: T + 1, id, expectRev: entryNow.rev, startMs: T, endMs: null, approval: "approved", reason: null, projectId: PROJECT_B, taskId: null, note: "", billable: false });
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "tracking", projectId: PROJECT_B });
    await stub.timeCommand({ kind: "stop", memberId: ALICE, timeZone: tz, at: T + 10 * MIN });
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "stopped", source: "web", timerStartedAt: null, projectId: PROJECT_B, todaySeconds: 600, lastSeenAt: T + 10 * MIN });
    // A refused command (nothing runs) changes nothing.
    const refused = await stub.timeCommand({ kind: "stop", memberId: ALICE, timeZone: tz, at: T + 11 * MIN });
    expect(refused.ok).toBe(false);
    await v.none();
  });

  it("a manual entry today updates today's total; deleting the running web timer stops it", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const id = newId();
    await stub.timeCommand({ kind: "start", memberId: ALICE, timeZone: tz, at: T, id, source: "web", projectId: PROJECT_A, taskId: null, note: "", billable: false });
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    await stub.timeCommand({ kind: "create", memberId: ALICE, timeZone: tz, at: T, id: newId(), source: "web", startMs: T - 2 * HOUR, endMs: T - HOUR, approval: "approved", reason: "forgot", projectId: PROJECT_A, taskId: null, note: "", billable: false });
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "tracking", todaySeconds: 3600 });
    const running = (await stub.runningEntry(ALICE))!;
    await stub.timeCommand({ kind: "delete", memberId: ALICE, timeZone: tz, at: T + MIN, id, expectRev: running.rev });
    expect((await deltaOf(v)).upsert[0]).toMatchObject({ status: "stopped", timerStartedAt: null, todaySeconds: 3600 });
  });
});

function shot(memberId: string, takenAtMs: number): NewShot {
  return {
    id: newId(), memberId, deviceId: "d1", takenAtMs, slotStartMs: slotStart(takenAtMs), display: 0, activityPct: null, app: null,
    contentType: "image/jpeg", r2Key: `k/${takenAtMs}`, thumbR2Key: `k/${takenAtMs}.thumb`, sizeBytes: 10, thumbBytes: 5, createdAt: takenAtMs + 1000, perSlot: 3,
  };
}

describe("screenshots", () => {
  it("the latest live screenshot is shown to viewers with a screenshots reach only; a deleted latest falls back", async () => {
    const stub = freshObject();
    const T = Date.now();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T }));
    const shots = await connect(stub, scope(MANAGER, members(ALICE), { screenshots: members(ALICE) }));
    const noShots = await connect(stub, scope(BOB, members(ALICE)));
    expect((await snapshotOf(shots)).members[0]!.screenshot).toBeNull();
    await snapshotOf(noShots);

    const older = shot(ALICE, T - 20 * MIN);
    const newer = shot(ALICE, T - 5 * MIN);
    expect(await stub.recordScreenshot(newer)).toBe("new");
    expect((await deltaOf(shots)).upsert[0]!.screenshot).toEqual({ id: newer.id, takenAt: newer.takenAtMs });
    // An older shot uploaded later does not replace the latest: no frame at all.
    expect(await stub.recordScreenshot(older)).toBe("new");
    await shots.none();
    // A duplicate upload changes nothing either.
    expect(await stub.recordScreenshot(newer)).toBe("duplicate");

    const del = (id: string) => stub.deleteScreenshot({ id, scope: { all: true }, at: T, removeSlotTime: false, timeZone: "UTC" });
    expect((await del(newer.id)).ok).toBe(true);
    expect((await deltaOf(shots)).upsert[0]!.screenshot).toEqual({ id: older.id, takenAt: older.takenAtMs });
    expect((await del(older.id)).ok).toBe(true);
    expect((await deltaOf(shots)).upsert[0]!.screenshot).toBeNull();
    await noShots.none();
  });
});

async function boardRowCount(stub: Stub): Promise<number> {
  return runInDurableObject(stub, (_o: WorkspaceObject, state) => Number(state.storage.sql.exec("select count(*) as n from live_members").one().n));
}

describe("members leaving", () => {
  it("removeFromBoard: the row leaves every board, the records stay, and the member's own sockets close", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    await ingest(stub, ALICE, tz, [entry(T - 2 * HOUR, T - HOUR)], T);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T, timeZone: tz }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, receivedAt: T, timeZone: tz }));
    const owner = await connect(stub, ownerScope());
    const alice = await connect(stub, scope(ALICE, members(ALICE)));
    await snapshotOf(owner);
    await snapshotOf(alice);
    await stub.removeFromBoard(ALICE);
    expect(await deltaOf(owner)).toMatchObject({ upsert: [], remove: [ALICE] });
    expect(await alice.closed).toBe(LIVE_CLOSE.accessRevoked);
    expect((await stub.liveBoard(ownerScope())).map((m) => m.memberId)).toEqual([BOB]);
    expect(await boardRowCount(stub)).toBe(1);
    expect((await stub.memberDay(ALICE, T - 3 * HOUR, T)).entries).toHaveLength(1);
    // Removing again (or someone never on the board) sends nothing.
    await stub.removeFromBoard(ALICE);
    await owner.none();
  });

  it("forgetMember: the row goes with the records", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
    const owner = await connect(stub, ownerScope());
    expect(rowOf((await snapshotOf(owner)).members, ALICE)).toBeDefined();
    await stub.forgetMember(ALICE);
    expect(await deltaOf(owner)).toMatchObject({ upsert: [], remove: [ALICE] });
    expect(await boardRowCount(stub)).toBe(0);
  });
});
