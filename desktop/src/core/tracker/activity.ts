/**
 * Activity: which seconds had input, and the 10-minute slots (tracked and active seconds).
 *
 * The idle collector only says "N seconds since the last input", sampled about once a second, so a
 * second is active when the reading shows input that the previous reading had not seen: the idle
 * counter is under one second, or it went back by at least a second (an input between two readings
 * further apart than a second). The input is attributed to the second it happened in. Nothing else
 * about input exists here: no keys, no counts.
 */
import { SLOT_SECONDS, type SlotItem } from "../../../../worker/contract/agent";
import { isoAt, slotStartOf } from "./time";

/** Readings closer than this to the previous one's input are the same input (timer jitter). */
const JITTER_MS = 250;
/** A previous reading older than this says nothing about the seconds since (the process was busy). */
const STALE_MS = 5_000;

export class InputDetector {
  private prev: { at: number; input: number } | null = null;

  /** The moment (epoch ms) of an input that happened since the previous reading, or null. */
  observe(nowMs: number, idleSeconds: number): number | null {
    const input = nowMs - idleSeconds * 1000;
    const prev = this.prev;
    if (!prev || nowMs < prev.at || nowMs - prev.at > STALE_MS) {
      this.prev = { at: nowMs, input };
      return idleSeconds < 1 ? input : null;
    }
    // Collectors that report whole seconds (Electron) move the estimate by up to a second for the
    // same input: keep the latest estimate so that wobble never looks like new input.
    this.prev = { at: nowMs, input: Math.max(input, prev.input) };
    const moved = input - prev.input;
    return moved > JITTER_MS && (idleSeconds < 1 || moved >= 1000) ? input : null;
  }

  /** Where the last reading put the last input (epoch ms), or null before any reading. */
  lastInputMs(): number | null {
    return this.prev?.input ?? null;
  }
}

interface Slot {
  id: string;
  /** Last emitted revision; -1 before the first emission. */
  rev: number;
  start: number;
  tracked: number;
  active: number;
  dirty: boolean;
}

export interface SlotTotals {
  slotStart: number;
  trackedSeconds: number;
  activeSeconds: number;
}

/**
 * Tracked and active seconds per slot. A slot is one item with one id however often the timer stops
 * and starts in it (the server allows one slot id per device and slot start), re-emitted with a
 * higher rev whenever its totals change, including backwards when an idle span is taken out.
 */
export class SlotLedger {
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly newId: () => string) {}

  /** Continue a slot recorded before a restart (its latest revision from the queue). */
  restore(item: SlotItem) {
    const start = Date.parse(item.slotStart) / 1000;
    const known = this.slots.get(start);
    if (known && known.rev >= item.rev) return;
    this.slots.set(start, { id: item.id, rev: item.rev, start, tracked: item.trackedSeconds, active: item.activeSeconds, dirty: false });
  }

  private slot(start: number): Slot {
    let s = this.slots.get(start);
    if (!s) {
      s = { id: this.newId(), rev: -1, start, tracked: 0, active: 0, dirty: false };
      this.slots.set(start, s);
    }
    return s;
  }

  /** Seconds [from, to) were tracked; `activeSecond` (if in range) had input. */
  count(from: number, to: number, activeSecond: number | null) {
    for (let s = from; s < to;) {
      const slot = this.slot(slotStartOf(s));
      const end = Math.min(to, slot.start + SLOT_SECONDS);
      slot.tracked = Math.min(SLOT_SECONDS, slot.tracked + (end - s));
      if (activeSecond !== null && activeSecond >= s && activeSecond < end) slot.active = Math.min(slot.tracked, slot.active + 1);
      slot.dirty = true;
      s = end;
    }
  }

  /** Seconds [from, to) are no longer tracked (an idle span taken out: none of them had input). */
  uncount(from: number, to: number) {
    for (let s = from; s < to;) {
      const start = slotStartOf(s);
      const end = Math.min(to, start + SLOT_SECONDS);
      const slot = this.slots.get(start);
      if (slot) {
        slot.tracked = Math.max(0, slot.tracked - (end - s));
        slot.active = Math.min(slot.active, slot.tracked);
        slot.dirty = true;
      }
      s = end;
    }
  }

  totals(slotStart: number): SlotTotals | null {
    const s = this.slots.get(slotStart);
    return s ? { slotStart, trackedSeconds: s.tracked, activeSeconds: s.active } : null;
  }

  /**
   * The items of changed slots that start before `before` (all when undefined), each with the next
   * rev. A slot never emitted and still empty has nothing to say.
   */
  emit(before?: number): SlotItem[] {
    const items: SlotItem[] = [];
    for (const s of [...this.slots.values()].sort((a, b) => a.start - b.start)) {
      if (!s.dirty || (before !== undefined && s.start >= before)) continue;
      s.dirty = false;
      if (s.rev < 0 && s.tracked === 0) continue;
      s.rev += 1;
      items.push({ kind: "slot", id: s.id, rev: s.rev, slotStart: isoAt(s.start), trackedSeconds: s.tracked, activeSeconds: s.active });
    }
    return items;
  }

  /** Forget slots before `from` that have nothing left to emit. */
  prune(from: number) {
    for (const [start, s] of this.slots) if (start < from && !s.dirty) this.slots.delete(start);
  }

  clear() {
    this.slots.clear();
  }
}
