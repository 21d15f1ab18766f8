/**
 * The screenshot scheduler driven by a simulated 1 Hz tracker tick: seeded moments, per-slot
 * counts, exclusion and idle skips that are never made up, and restarts mid-slot.
 */
import { describe, expect, it } from "vitest";
import { SLOT_MS } from "../../worker/contract/agent";
import { planMoments, ScreenshotScheduler, slotStartOf, type ShotDecision, type TickState } from "../src/core/screenshots/scheduler";

/** mulberry32: a small seeded PRNG, so the expected moments can be recomputed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0); // a slot boundary
const MARGIN = 15_000;

/** Ticks once a second over [from, to) and collects every decision. */
function runTicks(s: ScreenshotScheduler, from: number, to: number, state: (t: number) => TickState): ShotDecision[] {
  const out: ShotDecision[] = [];
  for (let t = from; t < to; t += 1000) out.push(...s.tick(t, state(t)));
  return out;
}

const captures = (d: ShotDecision[]) => d.filter((x) => x.action === "capture");

describe("screenshot moments", () => {
  it("plans N sorted moments uniformly inside the slot, away from its edges, reproducibly for a seed", () => {
    const a = planMoments(T0, 3, seeded(7), MARGIN);
    const rng = seeded(7);
    const expected = [0, 1, 2].map(() => T0 + MARGIN + Math.floor(rng() * (SLOT_MS - 2 * MARGIN))).sort((x, y) => x - y);
    expect(a).toEqual(expected);
    expect(planMoments(T0, 3, seeded(7), MARGIN)).toEqual(a);
    expect(planMoments(T0, 3, seeded(8), MARGIN)).not.toEqual(a);
    for (const m of a) {
      expect(m).toBeGreaterThanOrEqual(T0 + MARGIN);
      expect(m).toBeLessThan(T0 + SLOT_MS - MARGIN);
    }
  });

  it("spreads moments over the whole slot (not bunched at one end)", () => {
    const rng = seeded(42);
    const offsets = Array.from({ length: 2000 }, (_, i) => planMoments(T0 + i * SLOT_MS, 1, rng, MARGIN)[0]! - (T0 + i * SLOT_MS));
    const mean = offsets.reduce((s, x) => s + x, 0) / offsets.length;
    expect(Math.abs(mean - SLOT_MS / 2)).toBeLessThan(15_000);
    const quarters = [0, 0, 0, 0];
    for (const o of offsets) quarters[Math.min(3, Math.floor(((o - MARGIN) / (SLOT_MS - 2 * MARGIN)) * 4))]! += 1;
    for (const q of quarters) expect(q).toBeGreaterThan(400); // 500 expected each
  });

  it("captures exactly perSlot times in every slot while tracking, at the planned moments", () => {
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(1) });
    const expectRng = seeded(1);
    const decisions = runTicks(s, T0, T0 + 3 * SLOT_MS, () => ({ tracking: true, perSlot: 2 }));
    expect(decisions.every((d) => d.action === "capture")).toBe(true);
    for (let k = 0; k < 3; k++) {
      const slot = T0 + k * SLOT_MS;
      const inSlot = captures(decisions).filter((d) => d.slotStart === slot);
      expect(inSlot.map((d) => d.moment)).toEqual(planMoments(slot, 2, expectRng, MARGIN));
    }
  });

  it("takes nothing when the workspace takes none", () => {
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(2) });
    expect(runTicks(s, T0, T0 + 2 * SLOT_MS, () => ({ tracking: true, perSlot: 0 }))).toEqual([]);
  });

  it("skips a moment while an excluded app is focused and does not make it up", () => {
    const moment = planMoments(T0, 1, seeded(3), MARGIN)[0]!;
    let excluded = false;
    const s = new ScreenshotScheduler({ isExcluded: () => excluded, rng: seeded(3) });
    const decisions: ShotDecision[] = [];
    for (let t = T0; t < T0 + SLOT_MS; t += 1000) {
      excluded = t >= moment - 5_000 && t <= moment + 5_000; // the excluded app has focus around the moment
      decisions.push(...s.tick(t, { tracking: true, perSlot: 1 }));
    }
    expect(decisions).toEqual([{ action: "skip", moment, slotStart: T0, reason: "excluded" }]);
  });

  it("skips a moment that passes while idle or stopped, and the slot gets no replacement", () => {
    const [m1, m2] = planMoments(T0, 2, seeded(4), MARGIN) as [number, number];
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(4) });
    // Idle around the first moment only.
    const decisions = runTicks(s, T0, T0 + SLOT_MS, (t) => ({ tracking: !(t >= m1 - 3_000 && t <= m1 + 3_000), perSlot: 2 }));
    expect(decisions).toEqual([
      { action: "skip", moment: m1, slotStart: T0, reason: "not_tracking" },
      { action: "capture", moment: m2, slotStart: T0 },
    ]);
    // The next slot is planned afresh and captured normally.
    const next = runTicks(s, T0 + SLOT_MS, T0 + 2 * SLOT_MS, () => ({ tracking: true, perSlot: 2 }));
    expect(captures(next)).toHaveLength(2);
  });

  it("counts moments that passed before the agent started, or during a long gap, as missed", () => {
    const moments = planMoments(T0, 3, seeded(5), MARGIN);
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(5) });
    // First tick after all three moments (agent started late in the slot).
    const late = T0 + SLOT_MS - 1_000;
    expect(s.tick(late, { tracking: true, perSlot: 3 })).toEqual(moments.map((moment) => ({ action: "skip", moment, slotStart: T0, reason: "missed" })));

    // A suspend: ticks stop for a minute around a moment, then resume while tracking.
    const s2 = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(6) });
    const [m] = planMoments(T0, 1, seeded(6), MARGIN) as [number];
    const before = runTicks(s2, T0, m - 30_000, () => ({ tracking: true, perSlot: 1 }));
    const after = runTicks(s2, m + 30_000, T0 + SLOT_MS, () => ({ tracking: true, perSlot: 1 }));
    expect(before).toEqual([]);
    expect(after).toEqual([{ action: "skip", moment: m, slotStart: T0, reason: "missed" }]);
  });

  it("never exceeds the new count when the workspace lowers it mid-slot", () => {
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(9) });
    const first = planMoments(T0, 3, seeded(9), MARGIN)[0]!;
    const d1 = runTicks(s, T0, first + 1_000, () => ({ tracking: true, perSlot: 3 }));
    expect(captures(d1)).toHaveLength(1);
    const d2 = runTicks(s, first + 1_000, T0 + SLOT_MS, () => ({ tracking: true, perSlot: 1 }));
    expect(captures(d2)).toHaveLength(0);
  });

  it("after a restart mid-slot, counts the shots the queue already holds for that slot", () => {
    const moments = planMoments(T0, 2, seeded(10), MARGIN);
    const s = new ScreenshotScheduler({ isExcluded: () => false, rng: seeded(10), alreadyTaken: (slot) => (slot === T0 ? 1 : 0) });
    const d = runTicks(s, T0 + 1_000, T0 + 2 * SLOT_MS, () => ({ tracking: true, perSlot: 2 }));
    // One more in the restarted slot (the first planned moment), then the full count in the next one.
    expect(captures(d).filter((x) => x.slotStart === T0).map((x) => x.moment)).toEqual([moments[0]]);
    expect(d.filter((x) => x.slotStart === T0 && x.action === "skip")).toEqual([{ action: "skip", moment: moments[1], slotStart: T0, reason: "slot_full" }]);
    expect(captures(d).filter((x) => x.slotStart === T0 + SLOT_MS)).toHaveLength(2);
  });

  it("refuses settings that would break its invariants", () => {
    expect(() => new ScreenshotScheduler({ isExcluded: () => false, marginMs: 2_000, maxTickGapMs: 5_000 })).toThrow(RangeError);
    expect(slotStartOf(T0 + SLOT_MS - 1)).toBe(T0);
  });
});
