import { describe, expect, it } from "vitest";
import type { IdleItem } from "../../worker/contract/agent";
import type { IdlePolicy } from "../src/core/tracker/settings";
import { at, expectConsistent, iso, P_A, P_B, Rig, TASK_A } from "./trackerHarness";

/**
 * The scenario of every test here: start 09:07:30 on P_A, input for 30 s (last input in the second
 * 09:07:59), then nothing. With a 60 s threshold idle is flagged at 09:09:00 and the span starts at
 * 09:08:00; input comes back in the second 09:10:40 (the span crosses the 09:10 slot boundary).
 */
async function idleScenario(policy: IdlePolicy, idlePrompt = true) {
  const rig = new Rig({ start: at(9, 7, 30), settings: { idleThresholdSeconds: 60, idlePolicy: policy }, idlePrompt });
  await rig.signInAndStart(P_A, TASK_A, "spec");
  await rig.seconds(30);
  await rig.seconds(59, false);
  expect(rig.tracker.currentState).toBe("tracking");
  await rig.seconds(1, false);
  expect(rig.tracker.currentState).toBe("idle");
  return rig;
}

async function comeBack(rig: Rig) {
  await rig.seconds(100, false);
  await rig.seconds(20); // input from 09:10:40 on
  expect(rig.tracker.currentState).toBe("tracking");
}

const idleItems = (rig: Rig) => rig.items().filter((i): i is IdleItem => i.kind === "idle");

describe("tracker: idle", () => {
  it("flags the span from the last input at the threshold and takes it out of the entry and the slot at once", async () => {
    const rig = await idleScenario("ask");
    expect(rig.tracker.snapshot().idleSince).toBe(iso(at(9, 8)));
    // Already uploaded: the entry shrank to the last active second, the slot lost the idle seconds.
    expect(rig.entries()).toEqual([expect.objectContaining({ start: iso(at(9, 7, 30)), end: iso(at(9, 8)) })]);
    expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 30, activeSeconds: 30 });
    expect(rig.tracker.todaySeconds()).toBe(30);
    expectConsistent(rig);
  });

  it("keep (workspace policy): the same entry goes on through the idle span", async () => {
    const rig = await idleScenario("keep");
    await comeBack(rig);
    await rig.handle({ type: "stop" });
    expect(idleItems(rig)).toEqual([expect.objectContaining({ start: iso(at(9, 8)), end: iso(at(9, 10, 40)), decision: "keep" })]);
    expect(rig.entries()).toEqual([expect.objectContaining({ start: iso(at(9, 7, 30)), end: iso(at(9, 11)), projectId: P_A, taskId: TASK_A })]);
    expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 150, activeSeconds: 30 });
    expect(rig.slotAt(at(9, 10))).toMatchObject({ trackedSeconds: 60, activeSeconds: 20 });
    expectConsistent(rig);
  });

  it("discard (workspace policy): the entry ends at the idle start and a new one with the same fields starts on return", async () => {
    const rig = await idleScenario("discard");
    await comeBack(rig);
    await rig.handle({ type: "stop" });
    expect(idleItems(rig)).toEqual([expect.objectContaining({ start: iso(at(9, 8)), end: iso(at(9, 10, 40)), decision: "discard" })]);
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId, e.taskId, e.note])).toEqual([
      [iso(at(9, 7, 30)), iso(at(9, 8)), P_A, TASK_A, "spec"],
      [iso(at(9, 10, 40)), iso(at(9, 11)), P_A, TASK_A, "spec"],
    ]);
    expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 30, activeSeconds: 30 });
    expect(rig.slotAt(at(9, 10))).toMatchObject({ trackedSeconds: 20, activeSeconds: 20 });
    expectConsistent(rig);
  });

  it("ask without anyone to ask (headless) applies discard", async () => {
    const rig = await idleScenario("ask", false);
    await comeBack(rig);
    expect(rig.tracker.pendingIdle()).toEqual([]);
    expect(idleItems(rig).map((i) => i.decision)).toEqual(["discard"]);
    expectConsistent(rig);
  });

  describe("ask: the employee decides", () => {
    async function asked() {
      const rig = await idleScenario("ask");
      await comeBack(rig);
      const pending = rig.tracker.pendingIdle();
      expect(pending).toEqual([{ id: expect.any(String), start: iso(at(9, 8)), end: iso(at(9, 10, 40)) }]);
      // Until the answer, the time is out (as discarded) and nothing is said about it yet.
      expect(idleItems(rig)).toEqual([]);
      expect(rig.tracker.today().map((e) => [e.start, e.end])).toEqual([[iso(at(9, 7, 30)), iso(at(9, 8))], [iso(at(9, 10, 40)), null]]);
      return { rig, id: pending[0]!.id };
    }

    it("keep fills the gap again", async () => {
      const { rig, id } = await asked();
      await rig.tracker.resolveIdle(id, { decision: "keep" });
      expect(idleItems(rig)).toEqual([expect.objectContaining({ id, decision: "keep", start: iso(at(9, 8)), end: iso(at(9, 10, 40)) })]);
      expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([
        [iso(at(9, 7, 30)), iso(at(9, 10, 40)), P_A],
        [iso(at(9, 10, 40)), iso(at(9, 11)), P_A],
      ]);
      expect(rig.tracker.pendingIdle()).toEqual([]);
      await rig.seconds(10);
      await rig.handle({ type: "stop" });
      expect(rig.tracker.todaySeconds()).toBe(30 + 160 + 30);
      expectConsistent(rig);
    });

    it("reassign records the span on the chosen project", async () => {
      const { rig, id } = await asked();
      await rig.tracker.resolveIdle(id, { decision: "reassign", projectId: P_B, taskId: null });
      expect(idleItems(rig)).toEqual([expect.objectContaining({ id, decision: "reassign", projectId: P_B })]);
      expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([
        [iso(at(9, 7, 30)), iso(at(9, 8)), P_A],
        [iso(at(9, 8)), iso(at(9, 10, 40)), P_B],
        [iso(at(9, 10, 40)), iso(at(9, 11)), P_A],
      ]);
      expect(rig.slotAt(at(9, 0))).toMatchObject({ trackedSeconds: 150, activeSeconds: 30 });
      await rig.handle({ type: "stop" });
      expectConsistent(rig);
    });

    it("discard leaves the gap and says so", async () => {
      const { rig, id } = await asked();
      const [before] = rig.entries();
      await rig.tracker.resolveIdle(id, { decision: "discard" });
      expect(idleItems(rig)).toEqual([expect.objectContaining({ id, decision: "discard" })]);
      // The entry before the span is not touched again; the running one only goes on.
      expect(rig.entries()[0]).toEqual(before);
      expect(rig.entries().map((e) => e.start)).toEqual([iso(at(9, 7, 30)), iso(at(9, 10, 40))]);
      await rig.handle({ type: "stop" });
      expectConsistent(rig);
    });

    it("refuses unknown spans and a reassignment without a project", async () => {
      const { rig, id } = await asked();
      await expect(rig.tracker.resolveIdle("0190f5a0-0000-7000-8000-000000000000", { decision: "keep" })).rejects.toThrow(/No idle span/);
      await expect(rig.tracker.resolveIdle(id, { decision: "reassign", projectId: "", taskId: null })).rejects.toThrow();
      expect(rig.tracker.pendingIdle()).toHaveLength(1);
    });

    it("settles unanswered spans as discarded when the employee signs out", async () => {
      const { rig } = await asked();
      await rig.handle({ type: "signOut" });
      expect(idleItems(rig).map((i) => i.decision)).toEqual(["discard"]);
      expectConsistent(rig);
    });
  });

  it("an idle span ended by the screen lock is decided like any other (keep: up to the lock)", async () => {
    const rig = await idleScenario("keep");
    await rig.seconds(30, false);
    await rig.handle({ type: "system", event: "lock-screen" });
    expect(rig.tracker.currentState).toBe("stopped");
    expect(idleItems(rig)).toEqual([expect.objectContaining({ start: iso(at(9, 8)), end: iso(at(9, 9, 30)), decision: "keep" })]);
    expect(rig.entries()).toEqual([expect.objectContaining({ end: iso(at(9, 9, 30)) })]);
    expectConsistent(rig);
  });

  it("drops usage recorded after the idle start (spans wait for proof of activity before they are sent)", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { idleThresholdSeconds: 60, idlePolicy: "discard" } });
    await rig.signInAndStart();
    await rig.seconds(30);
    // No input, but the terminal's title changes while nobody is there.
    await rig.seconds(20, false);
    rig.window = { app: "xterm", title: "build finished", url: null, pid: 10 };
    await rig.seconds(40, false);
    expect(rig.tracker.currentState).toBe("idle");
    const usage = rig.latest("usage");
    expect(usage.map((u) => [u.title, u.start, u.end])).toEqual([["~/src", iso(at(9, 0)), iso(at(9, 0, 30))]]);
    expectConsistent(rig);
  });

  it("starting a project while idle ends the span now and decides it", async () => {
    const rig = await idleScenario("discard");
    await rig.seconds(10, false);
    await rig.handle({ type: "start", projectId: P_B, taskId: null, note: "" });
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    expect(idleItems(rig)).toEqual([expect.objectContaining({ start: iso(at(9, 8)), end: iso(at(9, 9, 10)), decision: "discard" })]);
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([
      [iso(at(9, 7, 30)), iso(at(9, 8)), P_A],
      [iso(at(9, 9, 10)), iso(at(9, 9, 20)), P_B],
    ]);
    expectConsistent(rig);
  });

  it("keeps the entry's first second when the timer was started without input and nobody came", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { idleThresholdSeconds: 60, idlePolicy: "discard" } });
    rig.lastInput = at(8, 55); // started from a script, nobody at the machine
    await rig.signInAndStart();
    await rig.seconds(10, false);
    expect(rig.tracker.currentState).toBe("idle");
    await rig.seconds(20, false);
    await rig.handle({ type: "stop" });
    expect(rig.entries()).toEqual([expect.objectContaining({ start: iso(at(9, 0)), end: iso(at(9, 0, 1)) })]);
    expect(idleItems(rig)).toEqual([expect.objectContaining({ start: iso(at(9, 0, 1)), end: iso(at(9, 0, 30)), decision: "discard" })]);
    expectConsistent(rig);
  });
});
