/**
 * The board's pure rules: row transitions (heartbeats, batches, timer commands), the alarm's due
 * times, today's totals arithmetic and the judgement of client frames.
 */
import { describe, expect, it } from "vitest";
import { LIVE_CLOSE, LIVE_MAX_CLIENT_FRAME } from "../../worker/contract/live";
import { dueAt, nextDue, offlineDueAt, onAlarm } from "../../worker/workspace/live/alarm";
import type { BoardRow } from "../../worker/workspace/live/boardStore";
import { judgeClientMessage } from "../../worker/workspace/live/frames";
import { foldRollups, withoutRunning } from "../../worker/workspace/live/today";
import { applyBatch, applyHeartbeat, applyTimer, blankRow, type TodayAt } from "../../worker/workspace/live/transitions";
import { ALICE, DEVICE, DEVICE_2, heartbeat, MIN, PROJECT_A, PROJECT_B, TASK_A1 } from "./support";

const DAY0 = Date.UTC(2026, 3, 20);
const T = DAY0 + 12 * 3_600_000;

/** A stand-in for the SQL: today's totals say which timer and day they were computed for. */
const calls: { entryId: string | null; at: number }[] = [];
const todayAt: TodayAt = (r, at) => {
  calls.push({ entryId: r.entryId, at });
  const start = Math.floor(at / 86_400_000) * 86_400_000;
  return { today: new Date(start).toISOString().slice(0, 10), todayStartsAt: start, todayEndsAt: start + 86_400_000, todaySeconds: r.entryId ? 100 : 200, todayByProject: {} };
};

const hb = (over: Parameters<typeof heartbeat>[0]) => heartbeat({ timeZone: "UTC", receivedAt: T, ...over });
const running = { id: "e1", startMs: T - 10 * MIN, projectId: PROJECT_A, taskId: TASK_A1 };

function tracking(): BoardRow {
  return applyHeartbeat(null, hb({ memberId: ALICE, entry: running }), todayAt);
}

describe("heartbeats", () => {
  it("tracking with an entry starts the timer; stopped clears the timer but keeps the last project", () => {
    const r = tracking();
    expect(r).toMatchObject({ status: "tracking", source: "desktop", entryId: "e1", timerStartedAt: T - 10 * MIN, projectId: PROJECT_A, taskId: TASK_A1, lastSeenAt: T, todaySeconds: 100 });
    const idle = applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: T + MIN, state: "idle" }), todayAt);
    expect(idle).toMatchObject({ status: "idle", entryId: "e1", timerStartedAt: T - 10 * MIN, lastSeenAt: T + MIN });
    const stopped = applyHeartbeat(idle, hb({ memberId: ALICE, receivedAt: T + 2 * MIN, state: "stopped", entry: null }), todayAt);
    expect(stopped).toMatchObject({ status: "stopped", entryId: null, timerStartedAt: null, projectId: PROJECT_A, taskId: TASK_A1, todaySeconds: 200 });
  });

  it("undefined keeps what is known; null means none", () => {
    const r = applyHeartbeat(tracking(), hb({ memberId: ALICE, receivedAt: T + MIN, app: { name: "Firefox", title: null, url: "https://example.com/" } }), todayAt);
    expect(r).toMatchObject({ entryId: "e1", app: { name: "Firefox", title: null, url: "https://example.com/" } });
    const same = applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: T + 2 * MIN }), todayAt);
    expect(same).toMatchObject({ entryId: "e1", app: { name: "Firefox" } });
    const none = applyHeartbeat(same, hb({ memberId: ALICE, receivedAt: T + 3 * MIN, entry: null, app: null }), todayAt);
    expect(none).toMatchObject({ status: "tracking", entryId: null, timerStartedAt: null, app: null });
  });

  it("a late (retried) heartbeat changes nothing", () => {
    const r = applyHeartbeat(tracking(), hb({ memberId: ALICE, receivedAt: T + MIN }), todayAt);
    expect(applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: T, state: "stopped" }), todayAt)).toBe(r);
  });

  it("today's totals are recomputed only when the timer or the day changes", () => {
    const r = tracking();
    calls.length = 0;
    applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: T + MIN }), todayAt);
    expect(calls).toEqual([]);
    applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: DAY0 + 86_400_000 + MIN }), todayAt);
    expect(calls).toEqual([{ entryId: "e1", at: DAY0 + 86_400_000 + MIN }]);
  });

  it("an agent that reports no timer does not stop a web timer", () => {
    const web = applyTimer(null, ALICE, { kind: "started", at: T, timeZone: "UTC", entry: { id: "w1", projectId: PROJECT_B, taskId: null, startMs: T, source: "web" } }, todayAt);
    const r = applyHeartbeat(web, hb({ memberId: ALICE, receivedAt: T + MIN, state: "stopped", entry: null }), todayAt);
    expect(r).toMatchObject({ status: "tracking", source: "web", entryId: "w1", projectId: PROJECT_B, lastSeenAt: T + MIN });
    // An agent that reports its own running entry takes over.
    const agent = applyHeartbeat(r, hb({ memberId: ALICE, receivedAt: T + 2 * MIN, entry: running }), todayAt);
    expect(agent).toMatchObject({ status: "tracking", source: "desktop", entryId: "e1" });
  });

  it("a second device that reports no timer does not stop the first one's while it is heard from", () => {
    const r = tracking();
    const other = applyHeartbeat(r, hb({ memberId: ALICE, deviceId: DEVICE_2, receivedAt: T + MIN, state: "stopped" }), todayAt);
    expect(other).toMatchObject({ status: "tracking", entryId: "e1", deviceId: DEVICE, lastSeenAt: T + MIN });
    // Once the first device has been silent past the grace period, the second one's word counts.
    const later = applyHeartbeat(other, hb({ memberId: ALICE, deviceId: DEVICE_2, receivedAt: T + 5 * MIN, state: "stopped" }), todayAt);
    expect(later).toMatchObject({ status: "stopped", entryId: null, deviceId: DEVICE_2 });
  });
});

describe("batches and timer commands", () => {
  it("a batch never changes status or lastSeenAt; the latest slot and the newest span win", () => {
    const r = applyHeartbeat(tracking(), hb({ memberId: ALICE, receivedAt: T, app: { name: "Code", title: null, url: null } }), todayAt);
    const b = applyBatch(r, {
      memberId: ALICE, timeZone: "UTC", receivedAt: T + 10 * MIN,
      slots: [{ slotStartMs: T - 20 * MIN, trackedS: 600, activeS: 600 }, { slotStartMs: T - 10 * MIN, trackedS: 600, activeS: 150 }],
      usage: [{ app: "Old", title: null, url: null, endMs: T - MIN }, { app: "Slack", title: "general", url: null, endMs: T + 5 * MIN }],
      entries: [],
    }, todayAt);
    expect(b).toMatchObject({ status: "tracking", lastSeenAt: T, activityPercent: 25, activitySlotMs: T - 10 * MIN, app: { name: "Slack", title: "general", url: null } });
    // An older slot and an older span than what is shown change nothing.
    const again = applyBatch(b, { memberId: ALICE, timeZone: "UTC", receivedAt: T + 11 * MIN, slots: [{ slotStartMs: T - 30 * MIN, trackedS: 600, activeS: 0 }], usage: [{ app: "Older", title: null, url: null, endMs: T }], entries: [] }, todayAt);
    expect(again).toMatchObject({ activityPercent: 25, app: { name: "Slack" } });
  });

  it("a batch that stores the current entry with another project moves the row to it", () => {
    const b = applyBatch(tracking(), { memberId: ALICE, timeZone: "UTC", receivedAt: T, slots: [], usage: [], entries: [{ id: "e1", projectId: PROJECT_B, taskId: null }] }, todayAt);
    expect(b).toMatchObject({ projectId: PROJECT_B, taskId: null, entryId: "e1" });
    const other = applyBatch(tracking(), { memberId: ALICE, timeZone: "UTC", receivedAt: T, slots: [], usage: [], entries: [{ id: "old", projectId: PROJECT_B, taskId: null }] }, todayAt);
    expect(other).toMatchObject({ projectId: PROJECT_A });
  });

  it("web timer start and stop; an edit that ends or deletes it stops it", () => {
    const started = applyTimer(null, ALICE, { kind: "started", at: T, timeZone: "UTC", entry: { id: "w1", projectId: PROJECT_A, taskId: null, startMs: T, source: "web" } }, todayAt);
    expect(started).toMatchObject({ status: "tracking", source: "web", entryId: "w1", timerStartedAt: T, lastSeenAt: T });
    const moved = applyTimer(started, ALICE, { kind: "edited", at: T + MIN, timeZone: "UTC", entry: { id: "w1", projectId: PROJECT_B, taskId: null, startMs: T - MIN, endMs: null, deleted: false } }, todayAt);
    expect(moved).toMatchObject({ status: "tracking", projectId: PROJECT_B, timerStartedAt: T - MIN });
    const stopped = applyTimer(moved, ALICE, { kind: "stopped", at: T + 2 * MIN, timeZone: "UTC", entry: { id: "w1", projectId: PROJECT_B, taskId: null } }, todayAt);
    expect(stopped).toMatchObject({ status: "stopped", entryId: null, timerStartedAt: null, projectId: PROJECT_B, source: "web" });
    const deleted = applyTimer(started, ALICE, { kind: "edited", at: T + MIN, timeZone: "UTC", entry: { id: "w1", projectId: PROJECT_A, taskId: null, startMs: T, endMs: null, deleted: true } }, todayAt);
    expect(deleted).toMatchObject({ status: "stopped", entryId: null });
  });
});

describe("alarm due times", () => {
  it("desktop rows are due at lastSeenAt + offlineAfterMs or midnight, whichever is first; web rows at midnight", () => {
    const r = tracking();
    expect(offlineDueAt(r)).toBe(T + 3 * MIN);
    expect(dueAt(r)).toBe(T + 3 * MIN);
    expect(dueAt({ ...r, lastSeenAt: DAY0 + 86_400_000 - MIN })).toBe(DAY0 + 86_400_000);
    const web = applyTimer(null, ALICE, { kind: "started", at: T, timeZone: "UTC", entry: { id: "w1", projectId: null, taskId: null, startMs: T, source: "web" } }, todayAt);
    expect(offlineDueAt(web)).toBeNull();
    expect(dueAt(web)).toBe(DAY0 + 86_400_000);
    expect(nextDue([web, r])).toBe(T + 3 * MIN);
    expect(nextDue([])).toBeNull();
  });

  it("onAlarm: offline when due, new day at midnight, nothing otherwise", () => {
    const r = tracking();
    expect(onAlarm(r, T + MIN, todayAt)).toBe(r);
    expect(onAlarm(r, T + 3 * MIN, todayAt)).toMatchObject({ status: "offline", entryId: null, timerStartedAt: null, projectId: PROJECT_A, todaySeconds: 200 });
    const blank = blankRow(ALICE, "UTC", T, todayAt);
    const next = onAlarm(blank, DAY0 + 86_400_000, todayAt);
    expect(next).toMatchObject({ status: "offline", today: "2026-04-21", todayStartsAt: DAY0 + 86_400_000 });
  });
});

describe("today's totals arithmetic", () => {
  it("folds rollups and takes the running entry's part of the day out", () => {
    const totals = foldRollups([{ projectId: PROJECT_A, trackedS: 1800 }, { projectId: PROJECT_A, trackedS: 600 }, { projectId: null, trackedS: 300 }, { projectId: PROJECT_B, trackedS: 900 }]);
    expect(totals).toEqual({ total: 3600, byProject: { [PROJECT_A]: 2400, [PROJECT_B]: 900 } });
    // The running entry started yesterday: only its part from midnight counts.
    const without = withoutRunning(totals, { projectId: PROJECT_A, startMs: DAY0 - 3_600_000, endMs: DAY0 + 600_000 }, DAY0, DAY0 + 86_400_000);
    expect(without).toEqual({ total: 3000, byProject: { [PROJECT_A]: 1800, [PROJECT_B]: 900 } });
    const all = withoutRunning(totals, { projectId: PROJECT_B, startMs: DAY0, endMs: DAY0 + 900_000 }, DAY0, DAY0 + 86_400_000);
    expect(all).toEqual({ total: 2700, byProject: { [PROJECT_A]: 2400 } });
    expect(withoutRunning(totals, null, DAY0, DAY0 + 86_400_000)).toBe(totals);
  });
});

describe("client frames", () => {
  it("accepts resync (with or without lastSeq) and ping", () => {
    expect(judgeClientMessage('{"type":"resync"}')).toEqual({ kind: "frame", frame: { type: "resync" } });
    expect(judgeClientMessage('{"type":"resync","lastSeq":4}')).toEqual({ kind: "frame", frame: { type: "resync", lastSeq: 4 } });
    expect(judgeClientMessage("ping")).toEqual({ kind: "ping" });
  });

  it("closes on binary, oversized, non-JSON and unknown frames", () => {
    expect(judgeClientMessage(new ArrayBuffer(4))).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
    expect(judgeClientMessage(`{"type":"resync","x":"${"a".repeat(LIVE_MAX_CLIENT_FRAME)}"}`)).toMatchObject({ kind: "close", code: LIVE_CLOSE.tooBig });
    // Under the limit in characters, over it in UTF-8 bytes.
    expect(judgeClientMessage("é".repeat(LIVE_MAX_CLIENT_FRAME / 2 + 1))).toMatchObject({ kind: "close", code: LIVE_CLOSE.tooBig });
    expect(judgeClientMessage("pong?")).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
    expect(judgeClientMessage('{"type":"subscribe"}')).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
    expect(judgeClientMessage('{"type":"resync","lastSeq":-1}')).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
    expect(judgeClientMessage('{"type":"resync","extra":1}')).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
    expect(judgeClientMessage("[1]")).toMatchObject({ kind: "close", code: LIVE_CLOSE.policy });
  });
});
