/**
 * When to take screenshots: `perSlot` random moments in each 10-minute wall-clock slot, uniformly
 * distributed inside it (but not in its first or last seconds, so a capture's takenAt stays well
 * inside the slot it is counted in), taken only while the employee is tracking and no excluded app
 * is focused. A moment that passes while idle, stopped, excluded or while the agent was not running
 * is skipped, never made up later: a screenshot taken at another moment than the random one would
 * be predictable.
 *
 * The tracker calls tick() about once a second; the scheduler keeps no timers of its own, and the
 * random source is injected so tests (and the fault run) are deterministic.
 */
import { SLOT_MS } from "../../../../worker/contract/agent";

export type Random = () => number;

/** Uniform in [0, 1) from the OS CSPRNG: the employee cannot learn the next moment from earlier ones. */
export const cryptoRandom: Random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

export const slotStartOf = (ms: number): number => Math.floor(ms / SLOT_MS) * SLOT_MS;

/** `count` moments (epoch ms, ascending) uniformly in [slotStart + margin, slotStart + SLOT_MS − margin). */
export function planMoments(slotStart: number, count: number, rng: Random, marginMs: number): number[] {
  const span = SLOT_MS - 2 * marginMs;
  return Array.from({ length: count }, () => slotStart + marginMs + Math.floor(rng() * span)).sort((a, b) => a - b);
}

export type SkipReason =
  /** Idle or stopped at the moment. */
  | "not_tracking"
  /** An excluded app had focus. */
  | "excluded"
  /** The agent was not ticking when the moment passed (not started yet, suspended, blocked). */
  | "missed"
  /** The slot already has its count (the count was lowered mid-slot). */
  | "slot_full";

export type ShotDecision =
  | { action: "capture"; moment: number; slotStart: number }
  | { action: "skip"; moment: number; slotStart: number; reason: SkipReason };

export interface TickState {
  /** True only in the tracking state (not idle, stopped or signed out). */
  tracking: boolean;
  /** The workspace's screenshots per 10 minutes, 0–3 (0 turns them off). */
  perSlot: number;
}

export interface SchedulerOptions {
  /** Whether an excluded app has focus right now (the tracker knows the current window). */
  isExcluded: () => boolean;
  rng?: Random;
  /** No moment in the first or last `marginMs` of a slot. */
  marginMs?: number;
  /** Ticks further apart than this mean the agent was not watching in between (suspend, a blocked loop). */
  maxTickGapMs?: number;
  /**
   * Capture moments already taken in a slot before this scheduler existed (the queue knows them
   * after a restart), so a restart mid-slot does not exceed the count the server accepts (409 slot_full).
   */
  alreadyTaken?: (slotStart: number) => number;
}

interface SlotPlan {
  slotStart: number;
  perSlot: number;
  /** Moments not yet decided, ascending. */
  pending: number[];
  captured: number;
}

export class ScreenshotScheduler {
  private readonly rng: Random;
  private readonly marginMs: number;
  private readonly maxGapMs: number;
  private plan: SlotPlan | null = null;
  private lastTick: number | null = null;

  constructor(private readonly opts: SchedulerOptions) {
    this.rng = opts.rng ?? cryptoRandom;
    this.marginMs = opts.marginMs ?? 15_000;
    this.maxGapMs = opts.maxTickGapMs ?? 5_000;
    if (2 * this.marginMs >= SLOT_MS) throw new RangeError("marginMs must leave room inside the slot");
    // tick() relies on it: a moment of a slot is always watched before that slot ends.
    if (this.maxGapMs < 0 || this.maxGapMs >= this.marginMs) throw new RangeError("maxTickGapMs must be shorter than marginMs");
  }

  /** The moments still to come in the current slot (for the "what is recorded" view and tests). */
  upcoming(): readonly number[] {
    return [...(this.plan?.pending ?? [])];
  }

  /**
   * Decides every moment that has come since the previous tick. Usually returns [] (no moment due)
   * or one decision; the tracker captures for each `capture`.
   */
  tick(now: number, state: TickState): ShotDecision[] {
    const decisions: ShotDecision[] = [];
    const last = this.lastTick;
    // Only moments in (last tick, now] with a short gap were watched; the state now is the state then.
    const watched = (m: number) => last !== null && now >= last && now - last <= this.maxGapMs && m > last;
    const perSlot = Math.max(0, Math.min(3, Math.floor(state.perSlot)));
    const slotStart = slotStartOf(now);

    if (this.plan && this.plan.slotStart !== slotStart) {
      // Moments left in a finished slot passed unobserved: the margin (15 s) is longer than any
      // watched gap (5 s), so a watched moment was always decided by an earlier tick of its slot.
      for (const m of this.plan.pending) decisions.push(this.skip(m, this.plan.slotStart, "missed"));
      this.plan = null;
    }
    if (!this.plan) {
      const captured = this.lastTick === null ? (this.opts.alreadyTaken?.(slotStart) ?? 0) : 0;
      this.plan = { slotStart, perSlot, pending: planMoments(slotStart, perSlot, this.rng, this.marginMs), captured };
    } else if (this.plan.perSlot !== perSlot) {
      // The workspace changed its frequency mid-slot: re-plan the rest of the slot; shots taken still count.
      this.plan.perSlot = perSlot;
      this.plan.pending = planMoments(slotStart, perSlot, this.rng, this.marginMs).filter((m) => m > now);
    }

    const plan = this.plan;
    while (plan.pending.length > 0 && plan.pending[0]! <= now) {
      const m = plan.pending.shift()!;
      if (!watched(m)) decisions.push(this.skip(m, slotStart, "missed"));
      else if (!state.tracking) decisions.push(this.skip(m, slotStart, "not_tracking"));
      else if (plan.captured >= plan.perSlot) decisions.push(this.skip(m, slotStart, "slot_full"));
      else if (this.opts.isExcluded()) decisions.push(this.skip(m, slotStart, "excluded"));
      else {
        plan.captured += 1;
        decisions.push({ action: "capture", moment: m, slotStart });
      }
    }
    this.lastTick = now;
    return decisions;
  }

  private skip(moment: number, slotStart: number, reason: SkipReason): ShotDecision {
    return { action: "skip", moment, slotStart, reason };
  }
}
