/**
 * Day rollups: tracked and active seconds per project/task of one member's local day, computed from
 * the raw rows of that day. The ingest recomputes every day a batch touches instead of adding deltas,
 * so a rollup is always a pure function of the stored records: replays, out-of-order batches and rev
 * updates cannot make it drift.
 *
 * tracked = the part of each closed time entry inside the day (running entries count once they end).
 * active  = each slot's active seconds, shared among the entries that cover the slot in proportion to
 *           how much of it they cover. Activity outside every entry belongs to no project and is left
 *           out, so activity % per row compares like with like. A slot belongs to the day it starts in.
 */
import { SLOT_MS } from "../contract/agent";

export interface RollupEntry {
  projectId: string | null;
  taskId: string | null;
  startMs: number;
  endMs: number;
}

export interface RollupSlot {
  slotStartMs: number;
  trackedS: number;
  activeS: number;
}

export interface RollupRow {
  projectId: string | null;
  taskId: string | null;
  trackedS: number;
  activeS: number;
}

const overlapMs = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

export function computeDayRollup(entries: RollupEntry[], slots: RollupSlot[], dayStartMs: number, dayEndMs: number): RollupRow[] {
  const rows = new Map<string, { projectId: string | null; taskId: string | null; trackedMs: number; active: number }>();
  const row = (e: RollupEntry) => {
    const key = `${e.projectId ?? ""}|${e.taskId ?? ""}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { projectId: e.projectId, taskId: e.taskId, trackedMs: 0, active: 0 }));
    return r;
  };

  for (const e of entries) {
    const inDay = overlapMs(e.startMs, e.endMs, dayStartMs, dayEndMs);
    if (inDay > 0) row(e).trackedMs += inDay;
  }

  for (const s of slots) {
    if (s.slotStartMs < dayStartMs || s.slotStartMs >= dayEndMs || s.activeS === 0) continue;
    const s1 = s.slotStartMs + SLOT_MS;
    const covers = entries.map((e) => overlapMs(e.startMs, e.endMs, s.slotStartMs, s1));
    const covered = covers.reduce((a, b) => a + b, 0);
    if (covered === 0) continue;
    // Active seconds are spread evenly over the slot's tracked seconds; entries get the share they cover.
    const denominator = Math.max(covered, s.trackedS * 1000);
    entries.forEach((e, i) => {
      if (covers[i]! > 0) row(e).active += (s.activeS * covers[i]!) / denominator;
    });
  }

  return [...rows.values()]
    .map((r) => ({ projectId: r.projectId, taskId: r.taskId, trackedS: Math.round(r.trackedMs / 1000), activeS: Math.round(r.active) }))
    .filter((r) => r.trackedS > 0 || r.activeS > 0)
    .sort((a, b) => `${a.projectId ?? ""}|${a.taskId ?? ""}`.localeCompare(`${b.projectId ?? ""}|${b.taskId ?? ""}`));
}
