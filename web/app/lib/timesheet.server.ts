/**
 * Server side of the timesheet page: turns the time services' answers into the page's view model
 * (everything formatted in the viewed member's zone), and runs the page's form actions through the
 * same services as the API. Access is decided by those services; the flags here only hide buttons.
 */
import { redirect } from "@remix-run/cloudflare";
import { z } from "zod";
import type { Actor } from "../../../worker/authz/actor";
import { can, scopeOf } from "../../../worker/authz/policy";
import { SLOT_MS } from "../../../worker/contract/agent";
import { AppError } from "../../../worker/http/problem";
import type { ServiceContext } from "../../../worker/services/context";
import { timeAccess, timeMembers } from "../../../worker/services/time/access";
import { decideEntry } from "../../../worker/services/time/approvals";
import { createManualEntry, deleteEntry, splitEntry, updateEntry } from "../../../worker/services/time/entries";
import { LocalDate, Reason } from "../../../worker/services/time/fields";
import { addDays, dayLabel, hoursMinutes, instantOf, localDateTime, localTime, mondayOf, today } from "../../../worker/services/time/localTime";
import { runningTimer, startTimer, stopTimer } from "../../../worker/services/time/timer";
import { timesheetFor, type Timesheet } from "../../../worker/services/time/timesheet";
import { trackableWork } from "../../../worker/services/time/work";
import { loadSettings } from "../../../worker/services/tracking/settings";
import { dayBounds, localDay } from "../../../worker/workspace/localDay";
import type { DayStrip, EntryRow, Running, Work } from "../components/time/types";
import type { AppRow, IdleRow, SiteRow } from "../components/time/UsageCards";
import type { ShotTile } from "../components/time/ScreenshotGrid";
import { listMemberScreenshots } from "../../../worker/services/screenshots/access";
import { readForm } from "./forms.server";

/** Navigation, not data: malformed values fall back (a malformed member id then answers 404 below). */
const Query = z.object({
  member: z.string().max(64).optional().catch("invalid"),
  view: z.enum(["day", "week"]).catch("day"),
  date: LocalDate.optional().catch(undefined),
  edit: z.string().max(64).optional().catch(undefined),
});

function search(params: { member?: string; view: "day" | "week"; date: string }, self: boolean) {
  const s = new URLSearchParams();
  if (!self && params.member) s.set("member", params.member);
  if (params.view === "week") s.set("view", "week");
  s.set("date", params.date);
  return `?${s}`;
}

/** act-0 … act-10 by decile of activity; slot-empty where nothing was tracked. */
function slotClass(tracked: number, active: number): string {
  if (tracked <= 0) return "slot-empty";
  return `act-${Math.min(10, Math.floor((active * 10) / tracked))}`;
}

function strips(sheet: Timesheet, tz: string): DayStrip[] {
  const bySlot = new Map((sheet.slots ?? []).map((s) => [Date.parse(s.start), s]));
  const byDay = new Map(sheet.totals.byDay.map((d) => [d.date, d.trackedSeconds]));
  const out: DayStrip[] = [];
  for (let date = sheet.from; date <= sheet.to; date = addDays(date, 1)) {
    const { startMs, endMs } = dayBounds(date, tz);
    const cells = [];
    for (let t = Math.ceil(startMs / SLOT_MS) * SLOT_MS; t < endMs; t += SLOT_MS) {
      const s = bySlot.get(t);
      const at = localTime(t, tz);
      cells.push({
        key: String(t),
        className: s ? slotClass(s.trackedSeconds, s.activeSeconds) : "slot-empty",
        label: s && s.activityPercent !== null ? `${at} – ${s.activityPercent}% active` : `${at} – not tracked`,
      });
    }
    out.push({ date, label: dayLabel(date), total: hoursMinutes(byDay.get(date) ?? 0), cells });
  }
  return out;
}

function workOptions(work: Awaited<ReturnType<typeof trackableWork>>): Work {
  const names = new Map(work.projects.map((p) => [p.id, p.name]));
  return {
    projects: work.projects.map((p) => ({ value: p.id, label: p.name })),
    tasks: work.tasks.map((t) => ({ value: t.id, label: `${names.get(t.projectId) ?? "?"} · ${t.name}` })),
  };
}

export async function timesheetPage(ctx: ServiceContext, actor: Actor, url: URL) {
  const q = Query.parse(Object.fromEntries(url.searchParams));
  const memberId = q.member || actor.member.id;
  const access = await timeAccess(ctx, actor, memberId);
  const self = access.self;
  const tz = access.member.timeZone;
  const date = q.date ?? today(tz, ctx.now());
  const from = q.view === "week" ? mondayOf(date) : date;
  const sheet = await timesheetFor(ctx, actor, access, from, q.view === "week" ? 7 : 1);
  const step = q.view === "week" ? 7 : 1;
  const nav = (d: string, view = q.view) => search({ member: memberId, view, date: d }, self);

  const updateScope = scopeOf(actor, "time", "update");
  const mayDecide = !!scopeOf(actor, "approvals", "manage");
  const entries: EntryRow[] = sheet.entries.map((e) => {
    const startMs = Date.parse(e.start);
    const endMs = e.end === null ? null : Date.parse(e.end);
    return {
      id: e.id, dayLabel: dayLabel(localDay(startMs, tz)), from: localTime(startMs, tz), to: endMs === null ? null : localTime(endMs, tz),
      duration: hoursMinutes(e.durationSeconds), project: e.projectName, task: e.taskName, note: e.note, source: e.source,
      approval: e.approval, reason: e.reason,
      editable: updateScope === "all" || (updateScope === "own" && e.memberId === actor.member.id),
      approvable: mayDecide && e.approval === "pending" && e.memberId !== actor.member.id,
      startInput: localDateTime(startMs, tz), endInput: endMs === null ? null : localDateTime(endMs, tz),
      projectId: e.projectId, taskId: e.taskId,
    };
  });

  const tracks = self && can(actor, "time", "create");
  const editing = entries.find((e) => e.id === q.edit && e.editable && e.approval !== "rejected") ?? null;
  const work = tracks || editing ? workOptions(await trackableWork(ctx, actor.workspace.id, memberId)) : { projects: [], tasks: [] };
  const policy = tracks ? (await loadSettings(ctx, actor.workspace.id)).manualTime : "forbidden";
  const runningEntry = tracks ? await runningTimer(ctx, actor) : null;
  const running: Running | null = runningEntry && {
    id: runningEntry.id, project: runningEntry.projectName, task: runningEntry.taskName, note: runningEntry.note,
    since: `${localTime(Date.parse(runningEntry.start), tz)}${localDay(Date.parse(runningEntry.start), tz) === today(tz, ctx.now()) ? "" : ` on ${dayLabel(localDay(Date.parse(runningEntry.start), tz))}`}`,
    elapsed: hoursMinutes(runningEntry.durationSeconds),
  };
  const others = scopeOf(actor, "time", "read") === "own" ? [] : await timeMembers(ctx, actor);

  const fmt = (iso: string) => localTime(Date.parse(iso), tz);
  const screenshots = await screenshotsFor(ctx, actor, memberId, instantOf(from, "00:00", tz), instantOf(addDays(from, step), "00:00", tz), tz);
  return {
    member: access.member,
    self,
    view: q.view,
    date,
    title: q.view === "week" ? `Week of ${dayLabel(from)}` : dayLabel(from),
    links: {
      prev: nav(addDays(from, -step)), next: nav(addDays(from, step)), today: nav(today(tz, ctx.now())),
      day: nav(date, "day"), week: nav(date, "week"), current: nav(date),
      /** Append an entry id to get its edit link. */
      editPrefix: `${nav(date)}&edit=`,
    },
    members: others.length > 1 ? others.map((m) => ({ value: m.id, label: m.displayName })) : null,
    visibility: sheet.visibility,
    entries,
    editing,
    tracks,
    running,
    work,
    policy,
    totals: {
      tracked: hoursMinutes(sheet.totals.trackedSeconds),
      pending: sheet.totals.pendingSeconds > 0 ? hoursMinutes(sheet.totals.pendingSeconds) : null,
      activity: sheet.totals.activityPercent,
      byProject: sheet.totals.byProject.map((p) => ({
        key: p.projectId ?? "none", project: p.projectName ?? "No project", tracked: hoursMinutes(p.trackedSeconds),
        pending: p.pendingSeconds > 0 ? hoursMinutes(p.pendingSeconds) : "",
      })),
    },
    strips: sheet.slots ? strips(sheet, tz) : null,
    apps: sheet.apps?.map((a): AppRow => ({ app: a.app, category: a.category, duration: hoursMinutes(a.seconds) })) ?? null,
    sites: sheet.sites?.map((s): SiteRow => ({ host: s.host, duration: hoursMinutes(s.seconds) })) ?? null,
    idle: sheet.idle?.map((i): IdleRow => ({ id: i.id, from: fmt(i.start), to: fmt(i.end), decision: i.decision })) ?? null,
    screenshots,
  };
}

/**
 * The screenshots of the period the viewer's screenshots:read scope covers (null when the role sees
 * none, e.g. project viewers or managers under the owner's privacy toggle for other people's shots).
 */
async function screenshotsFor(ctx: ServiceContext, actor: Actor, memberId: string, fromMs: number, toMs: number, tz: string): Promise<ShotTile[] | null> {
  if (!can(actor, "screenshots", "read")) return null;
  try {
    const page = await listMemberScreenshots(ctx, actor, memberId, { from: fromMs, to: toMs, limit: 200 });
    return page.items.map((s) => ({ id: s.id, thumbUrl: s.thumbUrl, fullUrl: s.fullUrl, time: localTime(s.takenAt, tz), app: s.app, activityPct: s.activityPct }));
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return null;
    throw e;
  }
}

/* ---------------------------------------------------------------------------------------- actions */

const Time = z.string().regex(/^\d{2}:\d{2}$/, "A time such as 09:30.");
const DateTimeLocal = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "A date and time.")
  .refine((s) => LocalDate.safeParse(s.slice(0, 10)).success, "Not a calendar date.");
/** An empty select or text field means "none". */
const Optional = (max: number) => z.string().max(max).optional().transform((v) => (v ? v : null));
const Id = z.string().min(1).max(64);

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start"), projectId: Optional(64), taskId: Optional(64), note: z.string().max(2000).optional() }),
  z.object({ intent: z.literal("stop") }),
  z.object({
    intent: z.literal("manual"), date: LocalDate, start: Time, end: Time, projectId: Optional(64), taskId: Optional(64),
    note: z.string().max(2000).optional(), reason: Reason,
  }),
  z.object({
    intent: z.literal("update"), entryId: Id, start: DateTimeLocal, end: DateTimeLocal.optional(), projectId: Optional(64), taskId: Optional(64),
    note: z.string().max(2000).optional(), reason: Optional(500),
  }),
  z.object({ intent: z.literal("split"), entryId: Id, at: DateTimeLocal }),
  z.object({ intent: z.enum(["delete", "approve", "reject"]), entryId: Id }),
]);

const instant = (local: string, tz: string) => instantOf(local.slice(0, 10), local.slice(11, 16), tz);

/**
 * A project or task the member cannot use answers 404 with the field named (API semantics); on a
 * form it is a field error like any other, so the page stays and says which select is wrong.
 */
function asFormError(e: unknown): unknown {
  if (e instanceof AppError && e.status === 404 && e.errors?.length) return new AppError(422, "validation_failed", e.detail, e.errors);
  return e;
}

export async function timesheetAction(ctx: ServiceContext, actor: Actor, request: Request) {
  const url = new URL(request.url);
  const input = await readForm(request, Intent);
  try {
    switch (input.intent) {
      case "start":
        await startTimer(ctx, actor, { projectId: input.projectId, taskId: input.taskId, note: input.note }, "web");
        return { ok: "Timer started." };
      case "stop": {
        const e = await stopTimer(ctx, actor);
        return { ok: `Timer stopped after ${hoursMinutes(e.durationSeconds)}.` };
      }
      case "manual": {
        const tz = actor.member.timeZone;
        const e = await createManualEntry(ctx, actor, {
          startMs: instantOf(input.date, input.start, tz), endMs: instantOf(input.date, input.end, tz),
          projectId: input.projectId, taskId: input.taskId, note: input.note, reason: input.reason,
        }, "web");
        return { ok: e.approval === "pending" ? "Time added. It counts once a manager approves it." : "Time added." };
      }
      case "update": {
        // Times on the form are in the zone of the member whose page this is.
        const tz = (await timeAccess(ctx, actor, url.searchParams.get("member") || actor.member.id)).member.timeZone;
        await updateEntry(ctx, actor, input.entryId, {
          startMs: instant(input.start, tz), endMs: input.end === undefined ? undefined : instant(input.end, tz),
          projectId: input.projectId, taskId: input.taskId, note: input.note ?? "", reason: input.reason ?? undefined,
        });
        url.searchParams.delete("edit");
        return redirect(`${url.pathname}?${url.searchParams}`);
      }
      case "split": {
        const tz = (await timeAccess(ctx, actor, url.searchParams.get("member") || actor.member.id)).member.timeZone;
        await splitEntry(ctx, actor, input.entryId, instant(input.at, tz));
        return { ok: "Entry split in two." };
      }
      case "delete":
        await deleteEntry(ctx, actor, input.entryId);
        return { ok: "Entry deleted." };
      case "approve":
      case "reject":
        await decideEntry(ctx, actor, input.entryId, input.intent === "approve" ? "approved" : "rejected");
        return { ok: input.intent === "approve" ? "Entry approved." : "Entry rejected." };
    }
  } catch (e) {
    throw asFormError(e);
  }
}
