/**
 * Today's totals of one member for the board, from day_rollups (rollups.ts): the member's local day
 * at an instant, its bounds, and the tracked seconds of that day without the running timer.
 *
 * Why "without the running timer": the page adds the timer's elapsed time itself, every second
 * (contract: todaySeconds + (now − max(timerStartedAt, todayStartsAt))). A web timer's entry has no
 * end yet and is not in the rollups; an agent's entry in progress, however, is stored closed with an
 * end that grows with every batch, so its part of the day is in the rollups and must be taken out
 * while it is the running timer, or it would be counted twice.
 */
import { dayBounds, localDay } from "../localDay";

export interface TodayTotals {
  today: string;
  todayStartsAt: number;
  todayEndsAt: number;
  todaySeconds: number;
  todayByProject: Record<string, number>;
}

/** Rollup rows of one day, folded into a total and a per-project split (pure). */
export function foldRollups(rows: { projectId: string | null; trackedS: number }[]): { total: number; byProject: Record<string, number> } {
  let total = 0;
  const byProject: Record<string, number> = {};
  for (const r of rows) {
    total += r.trackedS;
    if (r.projectId !== null) byProject[r.projectId] = (byProject[r.projectId] ?? 0) + r.trackedS;
  }
  return { total, byProject };
}

/** Takes the running entry's part of the day out of the totals (pure; never below zero). */
export function withoutRunning(
  totals: { total: number; byProject: Record<string, number> },
  running: { projectId: string | null; startMs: number; endMs: number } | null,
  dayStartMs: number,
  dayEndMs: number,
): { total: number; byProject: Record<string, number> } {
  if (!running) return totals;
  const inDayMs = Math.max(0, Math.min(running.endMs, dayEndMs) - Math.max(running.startMs, dayStartMs));
  const s = Math.round(inDayMs / 1000);
  if (s === 0) return totals;
  const byProject = { ...totals.byProject };
  if (running.projectId !== null && byProject[running.projectId] !== undefined) {
    const left = Math.max(0, byProject[running.projectId]! - s);
    if (left === 0) delete byProject[running.projectId];
    else byProject[running.projectId] = left;
  }
  return { total: Math.max(0, totals.total - s), byProject };
}

/**
 * The totals of the member's local day at `at` in `timeZone`. `runningEntryId` is the board's
 * running timer (null when none runs): only a stored, counted (approved, closed, live) entry of the
 * member is taken out, exactly the entries recomputeDay puts into the rollups.
 */
export function todayTotals(sql: SqlStorage, memberId: string, timeZone: string, at: number, runningEntryId: string | null): TodayTotals {
  const today = localDay(at, timeZone);
  const { startMs, endMs } = dayBounds(today, timeZone);
  const rows = sql.exec("select project_id, tracked_s from day_rollups where member_id = ? and local_day = ? order by project_id, task_id", memberId, today)
    .toArray().map((r) => ({ projectId: typeof r.project_id === "string" ? r.project_id : null, trackedS: Number(r.tracked_s) }));
  let running: { projectId: string | null; startMs: number; endMs: number } | null = null;
  if (runningEntryId !== null) {
    const r = sql.exec(
      `select project_id, start_ms, end_ms from time_entries
        where id = ? and member_id = ? and deleted_at is null and approval = 'approved' and end_ms is not null`,
      runningEntryId, memberId,
    ).toArray()[0];
    if (r) running = { projectId: typeof r.project_id === "string" ? r.project_id : null, startMs: Number(r.start_ms), endMs: Number(r.end_ms) };
  }
  const { total, byProject } = withoutRunning(foldRollups(rows), running, startMs, endMs);
  return { today, todayStartsAt: startMs, todayEndsAt: endMs, todaySeconds: total, todayByProject: byProject };
}
