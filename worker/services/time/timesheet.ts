/**
 * A member's day or week as a timesheet: entries, 10-minute slots with activity %, idle spans, app and
 * site totals, and totals per project and per day. Days are the member's local days (their IANA zone),
 * so a day may last 23 or 25 hours. What a viewer gets is decided by access.ts and applied in the
 * Workspace object's SQL; a list the viewer may not see is null (not an empty list).
 *
 * Totals count approved time only, clipped to the range (a running entry up to now); time waiting for
 * approval is reported apart, rejected time not at all.
 */
import type { Actor } from "../../authz/actor";
import { SLOT_SECONDS } from "../../contract/agent";
import { dayBounds, nextDay } from "../../workspace/localDay";
import type { ServiceContext } from "../context";
import { timeAccess, type Reach, type TimeAccess } from "./access";
import { workspaceObject } from "./object";
import { entryViews, isoOf, type TimeEntryView } from "./wire";

export interface SlotView { start: string; trackedSeconds: number; activeSeconds: number; activityPercent: number | null }
export interface IdleView { id: string; start: string; end: string; decision: "keep" | "discard" | "reassign"; projectId: string | null; taskId: string | null }

export interface Timesheet {
  member: { id: string; displayName: string; timeZone: string };
  /** First and last local day (inclusive, YYYY-MM-DD). */
  from: string;
  to: string;
  start: string;
  end: string;
  visibility: { allProjects: boolean; activity: Reach; apps: Reach };
  entries: TimeEntryView[];
  slots: SlotView[] | null;
  idle: IdleView[] | null;
  apps: { app: string; category: string | null; seconds: number }[] | null;
  sites: { host: string; seconds: number }[] | null;
  totals: {
    trackedSeconds: number;
    pendingSeconds: number;
    /** Active / tracked seconds of the visible slots. */
    activityPercent: number | null;
    byProject: { projectId: string | null; projectName: string | null; trackedSeconds: number; pendingSeconds: number }[];
    byDay: { date: string; trackedSeconds: number }[];
  };
}

const clip = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
const secs = (ms: number) => Math.round(ms / 1000);
const percent = (active: number, tracked: number) => (tracked > 0 ? Math.round((active * 100) / tracked) : null);

export async function memberTimesheet(ctx: ServiceContext, actor: Actor, memberId: string, from: string, dayCount: 1 | 7): Promise<Timesheet> {
  return timesheetFor(ctx, actor, await timeAccess(ctx, actor, memberId), from, dayCount);
}

/** The same, for an access already resolved (pages need the member's zone before they pick the day). */
export async function timesheetFor(ctx: ServiceContext, actor: Actor, access: TimeAccess, from: string, dayCount: number): Promise<Timesheet> {
  const memberId = access.member.id;
  const tz = access.member.timeZone;
  const days: { date: string; startMs: number; endMs: number }[] = [];
  for (let d = from, i = 0; i < dayCount; i++, d = nextDay(d)) days.push({ date: d, ...dayBounds(d, tz) });
  const startMs = days[0]!.startMs;
  const endMs = days[days.length - 1]!.endMs;
  const now = ctx.now();

  const view = await workspaceObject(ctx, actor.workspace.id).timeView({
    memberId, fromMs: startMs, toMs: endMs, nowMs: now, projectIds: access.projectIds, activity: access.activity, apps: access.apps,
  });
  const entries = await entryViews(ctx, actor.workspace.id, view.entries);

  const byProject = new Map<string, Timesheet["totals"]["byProject"][number]>();
  const byDay = days.map((d) => ({ date: d.date, trackedSeconds: 0 }));
  let tracked = 0;
  let pending = 0;
  view.entries.forEach((e, i) => {
    if (e.approval === "rejected") return;
    const inRange = secs(clip(e.startMs, e.endMs ?? now, startMs, endMs));
    const key = e.projectId ?? "";
    let p = byProject.get(key);
    if (!p) byProject.set(key, (p = { projectId: e.projectId, projectName: entries[i]!.projectName, trackedSeconds: 0, pendingSeconds: 0 }));
    if (e.approval === "pending") {
      pending += inRange;
      p.pendingSeconds += inRange;
      return;
    }
    tracked += inRange;
    p.trackedSeconds += inRange;
    days.forEach((d, j) => { byDay[j]!.trackedSeconds += secs(clip(e.startMs, e.endMs ?? now, d.startMs, d.endMs)); });
  });

  const slots = view.slots?.map((s) => ({
    start: isoOf(s.slotStartMs), trackedSeconds: s.trackedS, activeSeconds: s.activeS, activityPercent: percent(s.activeS, Math.min(s.trackedS, SLOT_SECONDS)),
  })) ?? null;
  const slotTotals = (view.slots ?? []).reduce((t, s) => ({ tracked: t.tracked + s.trackedS, active: t.active + s.activeS }), { tracked: 0, active: 0 });

  return {
    member: access.member,
    from: days[0]!.date,
    to: days[days.length - 1]!.date,
    start: isoOf(startMs),
    end: isoOf(endMs),
    visibility: { allProjects: access.projectIds === null, activity: access.activity, apps: access.apps },
    entries,
    slots,
    idle: view.idle?.map((i) => ({ id: i.id, start: isoOf(i.startMs), end: isoOf(i.endMs), decision: i.decision, projectId: i.projectId, taskId: i.taskId })) ?? null,
    apps: view.apps?.map((a) => ({ app: a.app, category: a.category, seconds: secs(a.ms) })) ?? null,
    sites: view.sites?.map((s) => ({ host: s.host, seconds: secs(s.ms) })) ?? null,
    totals: {
      trackedSeconds: tracked,
      pendingSeconds: pending,
      activityPercent: view.slots ? percent(slotTotals.active, slotTotals.tracked) : null,
      byProject: [...byProject.values()].sort((a, b) => b.trackedSeconds + b.pendingSeconds - (a.trackedSeconds + a.pendingSeconds)),
      byDay,
    },
  };
}
