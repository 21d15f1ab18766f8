/**
 * How each input changes a member's board row (pure: SQL reads come in through `todayAt`). Every
 * function returns a new row, or the same row object when nothing changed.
 *
 * Rules worth knowing:
 * - a heartbeat older than the latest applied one (a retry arriving late) changes nothing;
 * - an agent that reports no timer does not stop a timer it does not know about: a web/api timer,
 *   or another device's timer while that device is still heard from (within offlineAfterMs);
 * - batches never change status or lastSeenAt: a backlog upload is not presence;
 * - "timer fields" are entryId and timerStartedAt; projectId/taskId keep the last timer's values
 *   when it stops or the member goes offline (contract: "or of the last one when stopped").
 */
import type { BoardRow, LiveSource } from "./boardStore";
import type { LiveHeartbeat } from "./heartbeat";
import type { TodayTotals } from "./today";

/** Today's totals of a member at an instant, given the running timer the row will have. */
export type TodayAt = (row: Pick<BoardRow, "memberId" | "timeZone" | "entryId">, at: number) => TodayTotals;

export function blankRow(memberId: string, timeZone: string, at: number, todayAt: TodayAt): BoardRow {
  return {
    memberId, status: "offline", projectId: null, taskId: null, entryId: null, timerStartedAt: null, source: null,
    lastSeenAt: null, heartbeatAt: null, deviceId: null, deviceSeenAt: null, timeZone, offlineAfterMs: null,
    activityPercent: null, activitySlotMs: null, app: null, appAt: null, screenshot: null,
    ...todayAt({ memberId, timeZone, entryId: null }, at), updatedAt: at,
  };
}

/** Recomputes today's totals when they may have changed: another timer, another zone, another day, or data. */
export function withToday(before: BoardRow | null, next: BoardRow, at: number, todayAt: TodayAt, dataChanged: boolean): BoardRow {
  const stale = !before || dataChanged || before.entryId !== next.entryId || before.timeZone !== next.timeZone
    || at >= next.todayEndsAt || at < next.todayStartsAt;
  return stale ? { ...next, ...todayAt(next, at) } : next;
}

export const clearTimer = { entryId: null, timerStartedAt: null } as const;

/* ------------------------------------------------------------------------------------- heartbeat */

export function applyHeartbeat(row: BoardRow | null, hb: LiveHeartbeat, todayAt: TodayAt): BoardRow {
  if (row && row.heartbeatAt !== null && hb.receivedAt < row.heartbeatAt) return row;
  const at = hb.receivedAt;
  const base = row ?? blankRow(hb.memberId, hb.timeZone, at, todayAt);
  let next: BoardRow = {
    ...base,
    heartbeatAt: at,
    lastSeenAt: Math.max(base.lastSeenAt ?? at, at),
    timeZone: hb.timeZone,
    offlineAfterMs: hb.offlineAfterMs,
    updatedAt: at,
  };
  if (hb.app !== undefined && (base.appAt === null || at >= base.appAt)) next = { ...next, app: hb.app, appAt: at };

  const reportsTimer = hb.state !== "stopped" && hb.entry != null;
  const timerElsewhere = base.entryId !== null && (
    base.source !== "desktop"
    || (base.deviceId !== hb.deviceId && base.deviceSeenAt !== null && at - base.deviceSeenAt < hb.offlineAfterMs)
  );
  if (!reportsTimer && timerElsewhere) return withToday(row, next, at, todayAt, false);

  next = { ...next, status: hb.state, source: "desktop", deviceId: hb.deviceId, deviceSeenAt: at };
  if (hb.state === "stopped" || hb.entry === null) next = { ...next, ...clearTimer };
  else if (hb.entry) {
    next = { ...next, entryId: hb.entry.id, timerStartedAt: hb.entry.startMs, projectId: hb.entry.projectId, taskId: hb.entry.taskId };
  }
  return withToday(row, next, at, todayAt, false);
}

/* ---------------------------------------------------------------------------------------- batch */

/** What the board takes from the items a batch stored (server clock, after the privacy filter). */
export interface BatchFacts {
  memberId: string;
  timeZone: string;
  receivedAt: number;
  slots: { slotStartMs: number; trackedS: number; activeS: number }[];
  usage: { app: string; title: string | null; url: string | null; endMs: number }[];
  entries: { id: string; projectId: string | null; taskId: string | null }[];
}

export function applyBatch(row: BoardRow | null, b: BatchFacts, todayAt: TodayAt): BoardRow {
  const at = b.receivedAt;
  let next: BoardRow = row ? { ...row, timeZone: b.timeZone } : blankRow(b.memberId, b.timeZone, at, todayAt);

  let slot: BatchFacts["slots"][number] | null = null;
  for (const s of b.slots) if (!slot || s.slotStartMs >= slot.slotStartMs) slot = s;
  if (slot && (next.activitySlotMs === null || slot.slotStartMs >= next.activitySlotMs)) {
    const activityPercent = slot.trackedS > 0 ? Math.min(100, Math.round((slot.activeS * 100) / slot.trackedS)) : null;
    next = { ...next, activityPercent, activitySlotMs: slot.slotStartMs };
  }

  let use: BatchFacts["usage"][number] | null = null;
  for (const u of b.usage) if (!use || u.endMs >= use.endMs) use = u;
  if (use && (next.appAt === null || use.endMs > next.appAt)) {
    next = { ...next, app: { name: use.app, title: use.title, url: use.url }, appAt: use.endMs };
  }

  const current = next.entryId === null ? undefined : b.entries.find((e) => e.id === next.entryId);
  if (current) next = { ...next, projectId: current.projectId, taskId: current.taskId };

  // Rollups change only with entries and slots (usage and idle spans are not in them).
  const touchedRollups = b.entries.length > 0 || b.slots.length > 0;
  const updated = withToday(row, next, at, todayAt, touchedRollups);
  return row && sameRow(row, updated) ? row : { ...updated, updatedAt: at };
}

/* ----------------------------------------------------------------------------------- web timer */

/** The outcome of a people's time command (timeEntries.ts) as far as the board cares. */
export type TimerFacts =
  | { kind: "started"; at: number; timeZone: string; entry: { id: string; projectId: string | null; taskId: string | null; startMs: number; source: LiveSource } }
  | { kind: "stopped"; at: number; timeZone: string; entry: { id: string; projectId: string | null; taskId: string | null } }
  /** An entry was edited (endMs null: still running) or deleted (`deleted`), or entries changed otherwise. */
  | { kind: "edited"; at: number; timeZone: string; entry: { id: string; projectId: string | null; taskId: string | null; startMs: number; endMs: number | null; deleted: boolean } | null };

export function applyTimer(row: BoardRow | null, memberId: string, t: TimerFacts, todayAt: TodayAt): BoardRow {
  const at = t.at;
  let next: BoardRow = row ? { ...row, timeZone: t.timeZone } : blankRow(memberId, t.timeZone, at, todayAt);
  switch (t.kind) {
    case "started":
      next = {
        ...next, status: "tracking", source: t.entry.source, entryId: t.entry.id, timerStartedAt: t.entry.startMs,
        projectId: t.entry.projectId, taskId: t.entry.taskId, lastSeenAt: Math.max(next.lastSeenAt ?? at, at),
      };
      break;
    case "stopped":
      // Stopping someone's web timer is news only if it is the timer the board shows (or none is shown).
      if (next.entryId === t.entry.id || next.entryId === null || next.source !== "desktop") {
        next = {
          ...next, status: "stopped", ...clearTimer, projectId: t.entry.projectId, taskId: t.entry.taskId,
          lastSeenAt: Math.max(next.lastSeenAt ?? at, at), source: next.source ?? "web",
        };
      }
      break;
    case "edited": {
      const e = t.entry;
      if (!e || e.id !== next.entryId) break;
      const ended = e.deleted || e.endMs !== null;
      // An agent's entry in progress is stored closed and its agent keeps reporting it: only a web/api
      // timer that was stopped or deleted by an edit stops here.
      if (ended && next.source !== "desktop") next = { ...next, status: "stopped", ...clearTimer };
      else if (!e.deleted) next = { ...next, projectId: e.projectId, taskId: e.taskId, timerStartedAt: e.startMs };
      break;
    }
  }
  const updated = withToday(row, next, at, todayAt, true);
  return row && sameRow(row, updated) ? row : { ...updated, updatedAt: at };
}

/* -------------------------------------------------------------------------------- screenshots */

export function withScreenshot(row: BoardRow, shot: { id: string; takenAt: number } | null, at: number): BoardRow {
  if (row.screenshot?.id === shot?.id && row.screenshot?.takenAt === shot?.takenAt) return row;
  return { ...row, screenshot: shot, updatedAt: at };
}

/** After a deletion removed slot time, the totals may have changed. */
export function withFreshToday(row: BoardRow, at: number, todayAt: TodayAt): BoardRow {
  const updated = { ...row, ...todayAt(row, at) };
  return sameRow(row, updated) ? row : { ...updated, updatedAt: at };
}

/* --------------------------------------------------------------------------------------- misc */

/** Equal apart from updatedAt (then nothing needs saving or sending). */
export function sameRow(a: BoardRow, b: BoardRow): boolean {
  for (const k of Object.keys(a) as (keyof BoardRow)[]) {
    if (k === "updatedAt") continue;
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    // Only app, screenshot and todayByProject are objects; they are small and built in a fixed key order.
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
