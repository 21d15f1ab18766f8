import { describe, expect, it } from "vitest";
import { UUID7_RE } from "../../worker/contract/agent";
import { InputDetector } from "../src/core/tracker/activity";
import { IllegalTransition, nextState } from "../src/core/tracker/stateMachine";
import { Tracker } from "../src/core/tracker/tracker";
import type { QueuedRecord } from "../src/core/records";
import { at, expectConsistent, iso, P_A, P_B, Rig, TASK_A } from "./trackerHarness";

describe("tracker: slots and activity", () => {
  it("splits 5 minutes started at 09:07:30 into two wall-clock slots of 150 s", async () => {
    const rig = new Rig({ start: at(9, 7, 30) });
    await rig.signInAndStart();
    await rig.seconds(300);
    await rig.handle({ type: "stop" });

    const slots = rig.slots();
    expect(slots.map((s) => [s.slotStart, s.trackedSeconds, s.activeSeconds])).toEqual([
      [iso(at(9, 0)), 150, 150],
      [iso(at(9, 10)), 150, 150],
    ]);
    // The first slot was emitted as it closed, before the timer stopped.
    const firstClosed = rig.items().findIndex((i) => i.kind === "slot" && i.slotStart === iso(at(9, 0)) && i.trackedSeconds === 150);
    const stopEmission = rig.items().findIndex((i) => i.kind === "time_entry" && i.end === iso(at(9, 12, 30)));
    expect(firstClosed).toBeGreaterThanOrEqual(0);
    expect(firstClosed).toBeLessThan(stopEmission);

    expect(rig.entries()).toEqual([
      expect.objectContaining({ start: iso(at(9, 7, 30)), end: iso(at(9, 12, 30)), projectId: P_A, source: "desktop" }),
    ]);
    expectConsistent(rig);
  });

  it("counts a second as active only when the idle reading shows new input", async () => {
    const rig = new Rig({ start: at(9, 10) });
    await rig.signInAndStart();
    // Input in every 4th second of the slot, nothing in between.
    await rig.seconds(600, (i) => i % 4 === 0);
    await rig.handle({ type: "stop" });
    expect(rig.slotAt(at(9, 10))).toMatchObject({ trackedSeconds: 600, activeSeconds: 150 });
    expectConsistent(rig);
  });

  it.each([100, 500, 900])("counts steady input as active whatever the tick's phase in the second (ticks at .%i)", async (phase) => {
    // Found under Xvfb: with input shortly before every tick and ticks late in each second, the
    // latest input always fell in the second not counted yet and the finished one was lost.
    const rig = new Rig({ start: at(9, 10) + phase });
    await rig.signInAndStart();
    for (let i = 0; i < 30; i++) {
      rig.now += 1000;
      rig.lastInput = rig.now - 200;
      await rig.tracker.tick({ idleSeconds: 0.2, window: rig.window });
    }
    await rig.handle({ type: "stop" });
    const slot = rig.slotAt(at(9, 10))!;
    expect(slot.trackedSeconds).toBe(30);
    expect(slot.activeSeconds).toBeGreaterThanOrEqual(29);
    expectConsistent(rig);
  });

  it("sees input between readings that are further apart than a second (idle counter reset)", async () => {
    const rig = new Rig({ start: at(9, 10) });
    await rig.signInAndStart();
    await rig.seconds(10, false);
    // The process was busy: the next reading comes 3 s later and shows input 1.5 s ago.
    rig.now += 3000;
    rig.lastInput = rig.now - 1500;
    await rig.tracker.tick({ idleSeconds: 1.5, window: rig.window });
    await rig.handle({ type: "stop" });
    expect(rig.slotAt(at(9, 10))).toMatchObject({ trackedSeconds: 13, activeSeconds: 1 });
    expectConsistent(rig);
  });

  it("keeps one slot id when the timer stops and starts again inside it", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(120);
    await rig.handle({ type: "stop" });
    rig.now = at(9, 5);
    await rig.handle({ type: "start", projectId: P_B, taskId: null, note: "" });
    await rig.seconds(60, (i) => i < 30);
    await rig.handle({ type: "stop" });

    const slotItems = rig.items().filter((i) => i.kind === "slot");
    expect(new Set(slotItems.map((s) => s.id)).size).toBe(1);
    expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 180, activeSeconds: 150 });
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([
      [iso(at(9, 0)), iso(at(9, 2)), P_A],
      [iso(at(9, 5)), iso(at(9, 6)), P_B],
    ]);
    expectConsistent(rig);
  });

  it("does not mistake whole-second idle readings (Electron) for input", () => {
    const d = new InputDetector();
    const lastInput = 1_000_000;
    // No input: readings every ~1 s with jitter, the collector floors to whole seconds.
    const seen: (number | null)[] = [];
    for (let i = 1; i <= 20; i++) {
      const now = lastInput + 1000 * i + (i % 3) * 40 - 20;
      seen.push(d.observe(now, Math.floor((now - lastInput) / 1000)));
    }
    expect(seen.filter((x) => x !== null)).toEqual([]);
    // Typing continuously: the floored reading is 0 each time.
    const typed: (number | null)[] = [];
    for (let i = 1; i <= 10; i++) typed.push(d.observe(lastInput + 30_000 + 1000 * i, 0));
    expect(typed.every((x) => x !== null)).toBe(true);
  });
});

describe("tracker: time entries", () => {
  it("emits the running entry at its first second, then every minute with a growing end (revs strictly increase)", async () => {
    const rig = new Rig({ start: at(9, 0), entryEveryMs: 60_000 });
    await rig.signInAndStart(P_A, TASK_A, "Quarterly report");
    await rig.seconds(150);

    const revisions = rig.items().filter((i) => i.kind === "time_entry");
    expect(revisions.map((e) => [e.rev, e.end])).toEqual([
      [0, iso(at(9, 0, 1))],
      [1, iso(at(9, 1))],
      [2, iso(at(9, 2))],
    ]);
    expect(revisions[0]).toMatchObject({ projectId: P_A, taskId: TASK_A, note: "Quarterly report", source: "desktop" });
    expect(revisions[0]!.id).toMatch(UUID7_RE);
    // A crash now loses at most the seconds since the last emission.
    expect(rig.now - Date.parse(revisions.at(-1)!.end!)).toBeLessThanOrEqual(60_000);

    await rig.handle({ type: "stop" });
    expect(rig.entries()).toEqual([expect.objectContaining({ rev: 3, end: iso(at(9, 2, 30)) })]);
    expectConsistent(rig);
  });

  it("switches projects by ending one entry where the next begins", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart(P_A);
    await rig.seconds(90);
    await rig.handle({ type: "start", projectId: P_B, taskId: null, note: "review" });
    await rig.seconds(30);
    await rig.handle({ type: "stop" });
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId, e.note])).toEqual([
      [iso(at(9, 0)), iso(at(9, 1, 30)), P_A, undefined],
      [iso(at(9, 1, 30)), iso(at(9, 2)), P_B, "review"],
    ]);
    expect(rig.tracker.todaySeconds()).toBe(120);
    expect(rig.tracker.today().map((e) => [e.projectId, e.end])).toEqual([[P_A, iso(at(9, 1, 30))], [P_B, iso(at(9, 2))]]);
    expectConsistent(rig);
  });

  it("reports the running entry in today() and counts it in todaySeconds()", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart(P_A);
    await rig.seconds(42);
    expect(rig.tracker.todaySeconds()).toBe(42);
    expect(rig.tracker.today()).toEqual([expect.objectContaining({ start: iso(at(9, 0)), end: null, projectId: P_A })]);
    expect(rig.tracker.snapshot()).toMatchObject({ state: "tracking", running: { since: iso(at(9, 0)), projectId: P_A }, slot: { slotStart: iso(at(9, 0)), trackedSeconds: 42 } });
  });

  it("refuses a task without a project and ids that are not UUIDs before starting", async () => {
    const rig = new Rig();
    await rig.handle({ type: "signIn" });
    await expect(rig.handle({ type: "start", projectId: null, taskId: TASK_A, note: "" })).rejects.toThrow();
    await expect(rig.handle({ type: "start", projectId: "project-1", taskId: null, note: "" })).rejects.toThrow();
    expect(rig.tracker.currentState).toBe("stopped");
  });

  it("continues the slot of a previous run under the same id after a restart (restore)", async () => {
    const first = new Rig({ start: at(9, 7, 30), entryEveryMs: 60_000 });
    await first.signInAndStart();
    await first.seconds(61);
    // Killed here: only what was emitted survives (the queue's latest revisions).
    const survived = [...first.entries(), ...first.slots()];
    expect(first.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 60 });

    const second = new Rig({ start: at(9, 9), restore: survived });
    await second.signInAndStart(P_B);
    await second.seconds(30);
    await second.handle({ type: "stop" });
    const slot = second.slotAt(at(9, 0))!;
    expect(slot.id).toBe(first.slotAt(at(9, 0))!.id);
    expect(slot.rev).toBeGreaterThan(first.slotAt(at(9, 0))!.rev);
    expect(slot.trackedSeconds).toBe(90);
    expect(second.tracker.todaySeconds()).toBe(90);
    expect(second.tracker.today().map((e) => e.projectId)).toEqual([P_A, P_B]);
  });
});

describe("tracker: state machine", () => {
  it("moves only along the allowed transitions", () => {
    expect(nextState("signed_out", { type: "signIn" })).toBe("stopped");
    expect(nextState("stopped", { type: "start", projectId: null, taskId: null, note: "" })).toBe("tracking");
    expect(nextState("tracking", { type: "idleDetected" })).toBe("idle");
    expect(nextState("idle", { type: "inputResumed" })).toBe("tracking");
    expect(nextState("tracking", { type: "system", event: "lock-screen" })).toBe("stopped");
    expect(nextState("idle", { type: "system", event: "shutdown" })).toBe("stopped");
    expect(nextState("stopped", { type: "system", event: "resume" })).toBe("stopped");
    expect(nextState("tracking", { type: "exit" })).toBe("stopped");
    expect(nextState("tracking", { type: "signOut" })).toBe("signed_out");
    expect(() => nextState("signed_out", { type: "start", projectId: null, taskId: null, note: "" })).toThrow(IllegalTransition);
    expect(() => nextState("stopped", { type: "stop" })).toThrow(IllegalTransition);
    expect(() => nextState("stopped", { type: "idleDetected" })).toThrow(IllegalTransition);
    expect(() => nextState("tracking", { type: "inputResumed" })).toThrow(IllegalTransition);
    expect(() => nextState("stopped", { type: "signIn" })).toThrow(IllegalTransition);
  });

  it("rejects illegal commands without changing anything", async () => {
    const rig = new Rig();
    await expect(rig.handle({ type: "start", projectId: P_A, taskId: null, note: "" })).rejects.toBeInstanceOf(IllegalTransition);
    await rig.handle({ type: "signIn" });
    await expect(rig.handle({ type: "stop" })).rejects.toBeInstanceOf(IllegalTransition);
    await expect(rig.handle({ type: "signIn" })).rejects.toBeInstanceOf(IllegalTransition);
    expect(rig.tracker.currentState).toBe("stopped");
    expect(rig.records).toEqual([]);
  });

  it("stops on exit and on sign-out, and forgets the member's day after signing out", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(20);
    await rig.handle({ type: "exit" });
    expect(rig.tracker.currentState).toBe("stopped");
    expect(rig.entries()).toEqual([expect.objectContaining({ end: iso(at(9, 0, 20)) })]);

    await rig.handle({ type: "start", projectId: P_B, taskId: null, note: "" });
    await rig.seconds(10);
    await rig.handle({ type: "signOut" });
    expect(rig.tracker.currentState).toBe("signed_out");
    expect(rig.entries().at(-1)).toMatchObject({ projectId: P_B, end: iso(at(9, 0, 30)) });
    expect(rig.tracker.today()).toEqual([]);
    expectConsistent(rig);
  });

  it("stops a suspended timer at the last second with input and does not restart it on resume", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(100);
    await rig.seconds(40, false); // reading, below the idle threshold
    await rig.handle({ type: "system", event: "suspend" });
    expect(rig.tracker.currentState).toBe("stopped");
    expect(rig.entries()).toEqual([expect.objectContaining({ start: iso(at(9, 0)), end: iso(at(9, 1, 40)) })]);

    const before = rig.records.length;
    rig.now += 3600_000;
    await rig.handle({ type: "system", event: "resume" });
    await rig.seconds(30);
    expect(rig.tracker.currentState).toBe("stopped");
    expect(rig.records.length).toBe(before);
    expect(rig.tracker.todaySeconds()).toBe(100);
    expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 100, activeSeconds: 100 });
    expectConsistent(rig);
  });

  it("does not count a lock delivered late, after the machine woke", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(50);
    rig.now += 2 * 3600_000; // the event arrives two hours later
    await rig.handle({ type: "system", event: "lock-screen" });
    expect(rig.entries()).toEqual([expect.objectContaining({ end: iso(at(9, 0, 50)) })]);
    expectConsistent(rig);
  });

  it("stops by itself when the clock jumped (a sleep nobody announced)", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(30);
    rig.now += 45 * 60_000;
    await rig.seconds(5);
    expect(rig.tracker.currentState).toBe("stopped");
    expect(rig.entries()).toEqual([expect.objectContaining({ end: iso(at(9, 0, 30)) })]);
    expect(rig.tracker.todaySeconds()).toBe(30);
    expectConsistent(rig);
  });
});

describe("tracker: plumbing", () => {
  it("announces every state change (the agent sends a heartbeat on each)", async () => {
    let now = at(9, 0);
    const states: string[] = [];
    const t = new Tracker({
      clock: { now: () => now }, sink: { append: async () => {} }, onStateChange: (s) => states.push(s),
      settings: { trackApps: true, trackUrls: true, captureTitles: true, exclusions: { apps: [], domains: [], titleKeywords: [] }, idleThresholdSeconds: 5, idlePolicy: "keep", rules: [] },
    });
    await t.handle({ type: "signIn" });
    await t.handle({ type: "start", projectId: P_A, taskId: null, note: "" });
    for (let i = 1; i <= 8; i++) {
      now += 1000;
      await t.tick({ idleSeconds: i, window: null });
    }
    now += 1000;
    await t.tick({ idleSeconds: 0.2, window: null });
    await t.handle({ type: "start", projectId: P_B, taskId: null, note: "" }); // a switch is no state change
    await t.handle({ type: "system", event: "suspend" });
    expect(states).toEqual(["stopped", "tracking", "idle", "tracking", "stopped"]);
  });

  it("reports a failed append to that call only and goes on recording in order", async () => {
    let now = at(9, 0);
    const kept: QueuedRecord[] = [];
    let failNext = false;
    const t = new Tracker({
      clock: { now: () => now },
      sink: { append: async (r) => { if (failNext) { failNext = false; throw new Error("disk full"); } kept.push(r); } },
      settings: { trackApps: true, trackUrls: true, captureTitles: true, exclusions: { apps: [], domains: [], titleKeywords: [] }, idleThresholdSeconds: 300, idlePolicy: "ask", rules: [] },
    });
    await t.handle({ type: "signIn" });
    await t.handle({ type: "start", projectId: P_A, taskId: null, note: "" });
    now += 1000;
    failNext = true;
    await expect(t.tick({ idleSeconds: 0.5, window: null })).rejects.toThrow("disk full");
    now += 1000;
    await t.tick({ idleSeconds: 0.5, window: null });
    await t.handle({ type: "stop" });
    const revs = kept.flatMap((r) => (r.kind === "item" && r.item.kind === "time_entry" ? [r.item.rev] : []));
    expect(revs.at(-1)).toBeGreaterThan(0);
    expect(kept.at(-1)).toMatchObject({ item: { kind: "slot", trackedSeconds: 2 } });
  });
});
