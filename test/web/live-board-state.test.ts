/** The live board's state: frame validation, snapshot/delta application, stale frames, row identity. */
import { describe, expect, it } from "vitest";
import type { LiveMember, LiveServerFrame } from "../../worker/contract/live";
import { applyFrame, applyFrames, emptyBoard, parseServerFrame, sameRow, type BoardState } from "../../web/app/lib/live/boardState";

const row = (memberId: string, over: Partial<LiveMember> = {}): LiveMember => ({
  memberId, status: "tracking", projectId: "p1", taskId: null, timerStartedAt: 1_000, today: "2026-01-05",
  todayStartsAt: 0, todaySeconds: 60, lastSeenAt: 1_000, source: "desktop", ...over,
});

const snapshot = (epoch: string, seq: number, members: LiveMember[], serverTime = 10_000): LiveServerFrame =>
  ({ type: "snapshot", epoch, seq, serverTime, members });
const delta = (epoch: string, seq: number, upsert: LiveMember[], remove: string[] = [], serverTime = 10_000): LiveServerFrame =>
  ({ type: "delta", epoch, seq, serverTime, upsert, remove });

const ids = (s: BoardState) => [...s.members.keys()].sort();

describe("parseServerFrame", () => {
  it("accepts a contract frame", () => {
    const f = parseServerFrame(JSON.stringify(snapshot("e1", 3, [row("a")])));
    expect(f?.type).toBe("snapshot");
  });

  it.each([
    ["not JSON", "{nope"],
    ["the pong text", "pong"],
    ["an unknown type", JSON.stringify({ type: "hello", epoch: "e", seq: 1, serverTime: 1 })],
    ["a row with an unknown status", JSON.stringify(snapshot("e", 1, [row("a", { status: "away" as never })]))],
    ["a seq that is not an integer", JSON.stringify({ ...delta("e", 1, []), seq: 1.5 })],
    ["a delta without remove", JSON.stringify({ type: "delta", epoch: "e", seq: 2, serverTime: 1, upsert: [] })],
    ["activity over 100 %", JSON.stringify(snapshot("e", 1, [row("a", { activityPercent: 140 })]))],
  ])("drops %s", (_name, text) => {
    expect(parseServerFrame(text)).toBeNull();
  });

  it("drops binary data", () => {
    expect(parseServerFrame(new ArrayBuffer(4))).toBeNull();
  });
});

describe("applyFrame", () => {
  it("a snapshot replaces the board; deltas upsert and remove", () => {
    let s = applyFrame(emptyBoard, snapshot("e1", 5, [row("a"), row("b")]), 10_000).state;
    expect(ids(s)).toEqual(["a", "b"]);
    s = applyFrame(s, delta("e1", 6, [row("c"), row("a", { status: "idle" })], ["b"]), 10_000).state;
    expect(ids(s)).toEqual(["a", "c"]);
    expect(s.members.get("a")?.status).toBe("idle");
    expect(s.seq).toBe(6);
    // A later snapshot replaces everything, including rows no longer in it.
    s = applyFrame(s, snapshot("e1", 9, [row("d")]), 10_000).state;
    expect(ids(s)).toEqual(["d"]);
  });

  it("ignores a delta with an older or equal seq of the same epoch", () => {
    const s = applyFrame(emptyBoard, snapshot("e1", 10, [row("a")]), 0).state;
    for (const seq of [9, 10]) {
      const r = applyFrame(s, delta("e1", seq, [row("x")], ["a"]), 0);
      expect(r.state).toBe(s);
      expect(r.needsResync).toBe(false);
    }
  });

  it("ignores an older snapshot of the same epoch but applies one with the same seq", () => {
    const s = applyFrame(emptyBoard, snapshot("e1", 10, [row("a")]), 0).state;
    expect(applyFrame(s, snapshot("e1", 9, [row("old")]), 0).state).toBe(s);
    expect(ids(applyFrame(s, snapshot("e1", 10, [row("a"), row("b")]), 0).state)).toEqual(["a", "b"]);
  });

  it("accepts a snapshot of a new epoch with a lower seq (the object restarted)", () => {
    const s = applyFrame(emptyBoard, snapshot("e1", 500, [row("a")]), 0).state;
    const next = applyFrame(s, snapshot("e2", 1, [row("b")]), 0).state;
    expect(next.epoch).toBe("e2");
    expect(ids(next)).toEqual(["b"]);
  });

  it("asks for a resync instead of applying a delta of an epoch it has no snapshot of", () => {
    const before = applyFrame(emptyBoard, delta("e1", 1, [row("a")]), 0);
    expect(before.state).toBe(emptyBoard);
    expect(before.needsResync).toBe(true);
    const s = applyFrame(emptyBoard, snapshot("e1", 3, [row("a")]), 0).state;
    const other = applyFrame(s, delta("e2", 4, [row("b")]), 0);
    expect(other.state).toBe(s);
    expect(other.needsResync).toBe(true);
  });

  it("keeps the object of a row that did not change, so memoized rows skip rendering", () => {
    const a = row("a");
    const s = applyFrame(emptyBoard, snapshot("e1", 1, [a, row("b")]), 0).state;
    const heldA = s.members.get("a")!;
    const heldB = s.members.get("b")!;
    const next = applyFrame(s, delta("e1", 2, [row("a"), row("b", { todaySeconds: 61 })]), 0).state;
    expect(next.members.get("a")).toBe(heldA);
    expect(next.members.get("b")).not.toBe(heldB);
    // A resync snapshot with the same content keeps every row object.
    const again = applyFrame(next, snapshot("e1", 3, [row("a"), row("b", { todaySeconds: 61 })]), 0).state;
    expect(again.members.get("a")).toBe(heldA);
    expect(again.members.get("b")).toBe(next.members.get("b"));
  });

  it("estimates the server clock offset from the fastest frame, and starts over when a clock jumps", () => {
    let s = applyFrame(emptyBoard, snapshot("e1", 1, [], 50_000), 47_000).state;
    expect(s.clockOffsetMs).toBe(3_000);
    // A frame that took 1.5 s to arrive does not pull the estimate down…
    s = applyFrame(s, delta("e1", 2, [], [], 60_000), 58_500).state;
    expect(s.clockOffsetMs).toBe(3_000);
    // …a faster one raises it…
    s = applyFrame(s, delta("e1", 3, [], [], 70_000), 66_900).state;
    expect(s.clockOffsetMs).toBe(3_100);
    // …and a jump of minutes (a clock was set) replaces it.
    s = applyFrame(s, delta("e1", 4, [], [], 80_000), 80_000 - 3_100 + 300_000).state;
    expect(s.clockOffsetMs).toBe(-296_900);
  });
});

describe("sameRow", () => {
  it("sees changes in nested app and screenshot fields and in presence of optional fields", () => {
    const app = { name: "Editor", title: "a.ts", url: null };
    expect(sameRow(row("a", { app }), row("a", { app: { ...app } }))).toBe(true);
    expect(sameRow(row("a", { app }), row("a", { app: { ...app, title: "b.ts" } }))).toBe(false);
    expect(sameRow(row("a", { screenshot: { id: "s1", takenAt: 1 } }), row("a", { screenshot: { id: "s2", takenAt: 1 } }))).toBe(false);
    expect(sameRow(row("a", { activityPercent: null }), row("a"))).toBe(false);
    expect(sameRow(row("a", { app: null }), row("a"))).toBe(false);
  });
});

describe("applyFrames (one animation frame's worth)", () => {
  it("applies the queue in order and starts from its last snapshot", () => {
    const s = applyFrames(emptyBoard, [
      { frame: snapshot("e1", 1, [row("a")]), receivedAt: 0 },
      { frame: delta("e1", 2, [row("b")]), receivedAt: 0 },
      { frame: snapshot("e1", 3, [row("c")]), receivedAt: 0 },
      { frame: delta("e1", 4, [row("d")]), receivedAt: 0 },
      { frame: delta("e1", 4, [row("dup")]), receivedAt: 0 },
    ]);
    expect(ids(s.state)).toEqual(["c", "d"]);
    expect(s.state.seq).toBe(4);
    expect(s.needsResync).toBe(false);
  });

  it("reports a needed resync from any frame in the batch", () => {
    const base = applyFrame(emptyBoard, snapshot("e1", 1, [row("a")]), 0).state;
    const r = applyFrames(base, [
      { frame: delta("e1", 2, [row("b")]), receivedAt: 0 },
      { frame: delta("e9", 3, [row("c")]), receivedAt: 0 },
    ]);
    expect(ids(r.state)).toEqual(["a", "b"]);
    expect(r.needsResync).toBe(true);
  });
});
