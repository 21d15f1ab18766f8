/**
 * Time for people (issue #3): the timer, manual entries, edits/splits/deletions, approvals and the
 * timesheet of a member's day or week. Services in worker/services/time/; the records themselves live
 * in the workspace's Durable Object. Instants are ISO 8601 (UTC) on the wire; days are the member's.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { decideEntry } from "../services/time/approvals";
import { createManualEntry, deleteEntry, getEntry, splitEntry, updateEntry } from "../services/time/entries";
import { EntryPatchBody, LocalDate, ManualEntryBody, ms, SplitBody, TimerStartBody } from "../services/time/fields";
import { runningTimer, startTimer, stopTimer } from "../services/time/timer";
import { memberTimesheet } from "../services/time/timesheet";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";

export const timeRoutes = newRouter();
const tags = ["time"];
const EntryParams = workspaceAndId("entryId");
const MemberParams = workspaceAndId("memberId");

const TimeEntry = z.object({
  id: z.string(), memberId: z.string(),
  projectId: z.string().nullable(), projectName: z.string().nullable(), taskId: z.string().nullable(), taskName: z.string().nullable(),
  start: z.string(), end: z.string().nullable().openapi({ description: "null while running" }),
  durationSeconds: z.number().int().openapi({ description: "Up to now for a running entry" }),
  note: z.string(), billable: z.boolean(), source: z.enum(["desktop", "web", "api"]),
  approval: z.enum(["approved", "pending", "rejected"]).openapi({ description: "Manual time under the approval policy waits as pending" }),
  reason: z.string().nullable(), updatedAt: z.string(),
}).openapi("TimeEntry");

const Reach = z.enum(["full", "entries", "none"]);
const Timesheet = z.object({
  member: z.object({ id: z.string(), displayName: z.string(), timeZone: z.string() }),
  from: z.string(), to: z.string(), start: z.string(), end: z.string(),
  visibility: z.object({
    allProjects: z.boolean().openapi({ description: "false: only entries on your projects (project scope)" }),
    activity: Reach, apps: Reach,
  }),
  entries: z.array(TimeEntry),
  slots: z.array(z.object({ start: z.string(), trackedSeconds: z.number(), activeSeconds: z.number(), activityPercent: z.number().nullable() }))
    .nullable().openapi({ description: "10-minute slots; null when your role does not see activity" }),
  idle: z.array(z.object({ id: z.string(), start: z.string(), end: z.string(), decision: z.enum(["keep", "discard", "reassign"]), projectId: z.string().nullable(), taskId: z.string().nullable() })).nullable(),
  apps: z.array(z.object({ app: z.string(), category: z.string().nullable(), seconds: z.number() })).nullable()
    .openapi({ description: "null when apps:read does not cover the member" }),
  sites: z.array(z.object({ host: z.string(), seconds: z.number() })).nullable(),
  totals: z.object({
    trackedSeconds: z.number(), pendingSeconds: z.number(), activityPercent: z.number().nullable(),
    byProject: z.array(z.object({ projectId: z.string().nullable(), projectName: z.string().nullable(), trackedSeconds: z.number(), pendingSeconds: z.number() })),
    byDay: z.array(z.object({ date: z.string(), trackedSeconds: z.number() })),
  }),
}).openapi("Timesheet");

/* ------------------------------------------------------------------------------------------ timer */

timeRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/timer", tags, security: bearerSecurity,
    summary: "Your running entry (from any device or door), or null",
    request: { params: WorkspaceParams }, responses: { 200: json(TimeEntry.nullable()), ...errorResponses } }),
  async (c) => c.json(await runningTimer(c.get("ctx"), await requireActor(c)), 200),
);

timeRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/timer/start", tags, security: bearerSecurity,
    summary: "Start your timer now",
    description: "409 `timer_running` when one already runs (the detail names it); 409 `time_entry_overlaps` when an entry covers now. The project must be one you are assigned to and the task one of its tasks (404 naming the field otherwise).",
    request: { params: WorkspaceParams, body: jsonBody(TimerStartBody) },
    responses: { 201: json(TimeEntry, "Started"), ...errorResponses } }),
  async (c) => c.json(await startTimer(c.get("ctx"), await requireActor(c), c.req.valid("json"), "api"), 201),
);

timeRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/timer/stop", tags, security: bearerSecurity,
    summary: "Stop your running timer (409 `no_timer_running` when none runs)",
    request: { params: WorkspaceParams }, responses: { 200: json(TimeEntry, "Stopped"), ...errorResponses } }),
  async (c) => c.json(await stopTimer(c.get("ctx"), await requireActor(c)), 200),
);

/* ----------------------------------------------------------------------------------- time entries */

timeRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/time-entries", tags, security: bearerSecurity,
    summary: "Add time by hand, with a reason",
    description: "Follows the workspace's manual-time policy: `forbidden` answers 403 `manual_time_forbidden`; `approval` stores the entry as `pending` until a manager in scope approves it. Audited as time.entry_created.",
    request: { params: WorkspaceParams, body: jsonBody(ManualEntryBody) },
    responses: { 201: json(TimeEntry, "Created"), ...errorResponses } }),
  async (c) => {
    const b = c.req.valid("json");
    const input = { startMs: ms(b.start), endMs: ms(b.end), projectId: b.projectId, taskId: b.taskId, note: b.note, billable: b.billable, reason: b.reason };
    return c.json(await createManualEntry(c.get("ctx"), await requireActor(c), input, "api"), 201);
  },
);

timeRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/time-entries/{entryId}", tags, security: bearerSecurity,
    summary: "One time entry you can see", request: { params: EntryParams }, responses: { 200: json(TimeEntry), ...errorResponses } }),
  async (c) => c.json(await getEntry(c.get("ctx"), await requireActor(c), c.req.valid("param").entryId), 200),
);

timeRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/time-entries/{entryId}", tags, security: bearerSecurity,
    summary: "Change an entry (your own; owners and executives anyone's)",
    description: "Audited as time.entry_updated with the fields before and after. 409 `time_entry_overlaps` names the conflicting entry. Making your own entry longer is adding time by hand: refused under the `forbidden` policy, pending (with a `reason`) under `approval`.",
    request: { params: EntryParams, body: jsonBody(EntryPatchBody) },
    responses: { 200: json(TimeEntry), ...errorResponses } }),
  async (c) => {
    const b = c.req.valid("json");
    const patch = {
      startMs: b.start === undefined ? undefined : ms(b.start), endMs: b.end === undefined ? undefined : ms(b.end),
      projectId: b.projectId, taskId: b.taskId, note: b.note, billable: b.billable, reason: b.reason,
    };
    return c.json(await updateEntry(c.get("ctx"), await requireActor(c), c.req.valid("param").entryId, patch), 200);
  },
);

timeRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/time-entries/{entryId}/split", tags, security: bearerSecurity,
    summary: "Split a stopped entry in two at `at` (audited as time.entry_split)",
    request: { params: EntryParams, body: jsonBody(SplitBody) },
    responses: { 200: json(z.object({ first: TimeEntry, second: TimeEntry })), ...errorResponses } }),
  async (c) => c.json(await splitEntry(c.get("ctx"), await requireActor(c), c.req.valid("param").entryId, ms(c.req.valid("json").at)), 200),
);

timeRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/time-entries/{entryId}", tags, security: bearerSecurity,
    summary: "Delete an entry (audited as time.entry_deleted with its content)",
    request: { params: EntryParams }, responses: { 204: { description: "Deleted" }, ...errorResponses } }),
  async (c) => {
    await deleteEntry(c.get("ctx"), await requireActor(c), c.req.valid("param").entryId);
    return c.body(null, 204);
  },
);

for (const [verb, decision] of [["approve", "approved"], ["reject", "rejected"]] as const) {
  timeRoutes.openapi(
    createRoute({ method: "post", path: `/workspaces/{workspaceId}/time-entries/{entryId}/${verb}`, tags, security: bearerSecurity,
      summary: `${verb === "approve" ? "Approve" : "Reject"} manual time waiting for approval`,
      description: "Owners and executives: anyone's; team managers: members of their teams; project managers: time on their projects. Never your own (403 `self_approval`). 409 `not_pending` when the entry is not waiting. Audited.",
      request: { params: EntryParams }, responses: { 200: json(TimeEntry), ...errorResponses } }),
    async (c) => c.json(await decideEntry(c.get("ctx"), await requireActor(c), c.req.valid("param").entryId, decision), 200),
  );
}

/* ------------------------------------------------------------------------------------- timesheets */

timeRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/members/{memberId}/day", tags, security: bearerSecurity,
    summary: "A member's day (their local day): entries, activity slots, idle, apps and sites, totals",
    description: "Scoped by role: yourself; team managers their teams' members; project managers only the time on projects they manage (and the activity and usage of that time); project viewers project time only; owners and executives everyone. Members outside your scope answer 404.",
    request: { params: MemberParams, query: z.object({ date: LocalDate }) },
    responses: { 200: json(Timesheet), ...errorResponses } }),
  async (c) => c.json(await memberTimesheet(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId, c.req.valid("query").date, 1), 200),
);

timeRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/members/{memberId}/week", tags, security: bearerSecurity,
    summary: "Seven local days of a member from `start` (same scoping as the day)",
    request: { params: MemberParams, query: z.object({ start: LocalDate }) },
    responses: { 200: json(Timesheet), ...errorResponses } }),
  async (c) => c.json(await memberTimesheet(c.get("ctx"), await requireActor(c), c.req.valid("param").memberId, c.req.valid("query").start, 7), 200),
);
