/**
 * The board's alarm on a real object: a silent agent goes offline (timer cleared, today's totals
 * recomputed), a web timer never does, and today's totals start again after the member's midnight.
 * Due times in the past make the runtime fire the alarm on its own as well; the tests therefore wait
 * for the resulting frames rather than for runDurableObjectAlarm's return value.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "../../worker/db/ids";
import { dayBounds, localDay, nextDay } from "../../worker/workspace/localDay";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  ALICE, BOB, closeAll, connect, entry, freshObject, heartbeat, HOUR, ingest, middayZone, MIN, ownerScope, PROJECT_A, rowOf,
  snapshotOf,
} from "./support";

afterEach(closeAll);

describe("alarm", () => {
  it("marks a silent agent offline (timer cleared, its entry now counted) but never a web timer", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    // Bob's agent said "stopped" 20 minutes ago, then he started a web timer: it sends no heartbeats.
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, receivedAt: T - 20 * MIN, timeZone: tz, offlineAfterMs: MIN, state: "stopped", entry: null }));
    await stub.timeCommand({ kind: "start", memberId: BOB, timeZone: tz, at: T - 10 * MIN, id: newId(), source: "web", projectId: PROJECT_A, taskId: null, note: "", billable: false });

    await v.until((f) => f.type === "delta" && f.upsert.some((m) => m.memberId === BOB && m.source === "web"));
    // Alice's agent last spoke 10 minutes ago with a 1-minute grace period; its entry in progress is stored.
    const running = entry(T - 30 * MIN, T - 11 * MIN);
    await ingest(stub, ALICE, tz, [running], T - 10 * MIN);
    await stub.recordHeartbeat(heartbeat({
      memberId: ALICE, receivedAt: T - 10 * MIN, timeZone: tz, offlineAfterMs: MIN,
      entry: { id: running.id, startMs: T - 30 * MIN, projectId: PROJECT_A, taskId: null },
    }));
    await v.until((f) => f.type === "delta" && f.upsert.some((m) => m.memberId === ALICE && m.status === "tracking"));
    await runDurableObjectAlarm(stub);
    const off = await v.until((f) => f.type === "delta" && f.upsert.some((m) => m.memberId === ALICE && m.status === "offline"));
    expect(off.type === "delta" && rowOf(off.upsert, ALICE)).toMatchObject({ status: "offline", timerStartedAt: null, projectId: PROJECT_A, todaySeconds: 19 * 60 });
    const board = await stub.liveBoard(ownerScope());
    expect(rowOf(board, BOB)).toMatchObject({ status: "tracking", source: "web", timerStartedAt: T - 10 * MIN });
    // Another run finds nothing to do for either.
    await runDurableObjectAlarm(stub);
    await v.none();
    expect(rowOf(await stub.liveBoard(ownerScope()), BOB)).toMatchObject({ status: "tracking" });
  });

  it("a heartbeat within the grace period keeps the member online; the alarm is set at the earliest due time", async () => {
    const stub = freshObject();
    const T = Date.now();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T, offlineAfterMs: 10 * MIN, timeZone: "UTC" }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, receivedAt: T, offlineAfterMs: 5 * MIN, timeZone: "UTC" }));
    const alarmAt = await runInDurableObject(stub, (_o: WorkspaceObject, state) => state.storage.getAlarm());
    const midnight = dayBounds(localDay(T, "UTC"), "UTC").endMs;
    expect(alarmAt).toBe(Math.min(T + 5 * MIN, midnight));
    // Running the alarm now (nothing due yet) changes nobody.
    await runDurableObjectAlarm(stub);
    expect((await stub.liveBoard(ownerScope())).map((m) => m.status)).toEqual(["tracking", "tracking"]);
  });

  it("at the member's local midnight, today's totals start again", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    const today = localDay(T, tz);
    const yesterdayStart = dayBounds(today, tz).startMs - 24 * HOUR;
    const yesterday = localDay(yesterdayStart + HOUR, tz);
    expect(nextDay(yesterday)).toBe(today);
    const v = await connect(stub, ownerScope());
    await snapshotOf(v);
    // A batch received yesterday (server clock) puts yesterday's hour on the board.
    await ingest(stub, ALICE, tz, [entry(yesterdayStart + HOUR, yesterdayStart + 2 * HOUR)], yesterdayStart + 3 * HOUR);
    await v.until((f) => f.type === "delta" && f.upsert.some((m) => m.today === yesterday && m.todaySeconds === 3600));
    // Its midnight has passed: the alarm (due in the past) moves the row to today.
    await runDurableObjectAlarm(stub);
    await v.until((f) => f.type === "delta" && f.upsert.some((m) => m.memberId === ALICE && m.today === today));
    expect(rowOf(await stub.liveBoard(ownerScope()), ALICE)).toMatchObject({ today, todayStartsAt: dayBounds(today, tz).startMs, todaySeconds: 0, status: "offline" });
  });
});
