/**
 * Time entries changed by people: manual entries (with a reason, under the workspace's manual-time
 * policy), edits, splits and deletions. Every change goes through the Workspace object (single
 * writer, no overlaps) and is audited in the workspace's D1 chain with what it was before.
 *
 * Who: members change their own entries (time:update:own); owners and executives anyone's
 * (time:update:all). An entry the caller cannot see is a 404, one they can see but not change a 403.
 *
 * Manual-time policy (tracking settings `manualTime`) applies to time a member adds to their own
 * record by hand: a manual entry, or an edit that makes an entry longer (earlier start, later end).
 * 'forbidden' refuses it (403 manual_time_forbidden); 'approval' stores it as pending with the
 * member's reason until a manager in scope decides (approvals.ts). Shortening, splitting and deleting
 * take time away and are always allowed. Owners and executives correcting someone else's entry are
 * not adding their own time, so the policy does not apply to them.
 */
import type { Actor } from "../../authz/actor";
import { requireScope } from "../../authz/policy";
import { FUTURE_TOLERANCE_MS, MAX_ENTRY_MS } from "../../contract/agent";
import { newId } from "../../db/ids";
import { conflict, forbidden, validationFailed } from "../../http/problem";
import type { StoredEntry } from "../../workspace/timeEntries";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import { loadSettings } from "../tracking/settings";
import { assertMayEdit, visibleEntry } from "./access";
import { timeFailure } from "./errors";
import { workspaceObject } from "./object";
import type { PeopleSource } from "./timer";
import { entryViews, isoOf, oneEntryView, type TimeEntryView } from "./wire";
import { resolveWork, type WorkInput } from "./work";

export interface ManualEntryInput extends WorkInput {
  startMs: number;
  endMs: number;
  note?: string;
  billable?: boolean;
  reason: string;
}

export interface EntryPatch extends WorkInput {
  startMs?: number;
  endMs?: number;
  note?: string;
  billable?: boolean;
  /** Required when the change adds time under the 'approval' policy. */
  reason?: string;
}

const manualForbidden = () => forbidden("manual_time_forbidden", "This workspace does not allow adding time by hand.");

/** The span rules every person-made entry obeys (the object checks them again). */
function checkSpan(ctx: ServiceContext, startMs: number, endMs: number | null) {
  const now = ctx.now();
  if (endMs === null) {
    if (startMs > now) throw validationFailed([{ field: "start", code: "in_future", message: "A running entry cannot start in the future." }]);
    return;
  }
  if (endMs <= startMs) throw validationFailed([{ field: "end", code: "before_start", message: "Must be after the start." }]);
  if (endMs - startMs > MAX_ENTRY_MS) throw validationFailed([{ field: "end", code: "too_long", message: "An entry lasts at most 7 days." }]);
  if (endMs > now + FUTURE_TOLERANCE_MS) throw validationFailed([{ field: "end", code: "in_future", message: "Cannot end in the future." }]);
}

/** The fields an audit entry shows for an entry. */
const auditView = (e: StoredEntry) => ({
  start: isoOf(e.startMs), end: e.endMs === null ? null : isoOf(e.endMs), projectId: e.projectId, taskId: e.taskId,
  note: e.note, billable: e.billable, approval: e.approval, reason: e.reason,
});

function changedFields(before: StoredEntry, after: StoredEntry) {
  const a = auditView(before);
  const b = auditView(after);
  const keys = (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]);
  return { before: Object.fromEntries(keys.map((k) => [k, a[k]])), after: Object.fromEntries(keys.map((k) => [k, b[k]])) };
}

export async function getEntry(ctx: ServiceContext, actor: Actor, entryId: string): Promise<TimeEntryView> {
  const { entry } = await visibleEntry(ctx, actor, entryId);
  return oneEntryView(ctx, actor.workspace.id, entry);
}

export async function createManualEntry(ctx: ServiceContext, actor: Actor, input: ManualEntryInput, source: PeopleSource): Promise<TimeEntryView> {
  requireScope(actor, "time", "create");
  const ws = actor.workspace.id;
  const { manualTime } = await loadSettings(ctx, ws);
  if (manualTime === "forbidden") throw manualForbidden();
  checkSpan(ctx, input.startMs, input.endMs);
  const work = await resolveWork(ctx, ws, actor.member.id, input);
  const approval = manualTime === "approval" ? "pending" : "approved";
  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "create", memberId: actor.member.id, timeZone: actor.member.timeZone, at: ctx.now(), id: newId(), source,
    startMs: input.startMs, endMs: input.endMs, projectId: work.projectId, taskId: work.taskId, note: input.note ?? "",
    billable: input.billable ?? work.projectBillable ?? false, approval, reason: input.reason,
  });
  if (!result.ok) throw timeFailure(result);
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: "time.entry_created", targetType: "time_entry", targetId: result.entry.id,
    data: { memberId: actor.member.id, source, ...auditView(result.entry) },
  });
  return oneEntryView(ctx, ws, result.entry);
}

/** The project and task after a patch: a new project without a task drops the old project's task. */
function patchedWork(entry: StoredEntry, patch: EntryPatch): { projectId: string | null; taskId: string | null } {
  const projectId = patch.projectId !== undefined ? patch.projectId : entry.projectId;
  const taskId = patch.taskId !== undefined ? patch.taskId : projectId === entry.projectId ? entry.taskId : null;
  return { projectId, taskId };
}

export async function updateEntry(ctx: ServiceContext, actor: Actor, entryId: string, patch: EntryPatch): Promise<TimeEntryView> {
  const ws = actor.workspace.id;
  const { entry, access } = await visibleEntry(ctx, actor, entryId);
  assertMayEdit(actor, entry);
  if (entry.approval === "rejected") throw conflict("time_entry_rejected", "A rejected entry cannot be changed. Delete it or add a new entry.");

  const startMs = patch.startMs ?? entry.startMs;
  const endMs = patch.endMs ?? entry.endMs;
  checkSpan(ctx, startMs, endMs);

  let work: { projectId: string | null; taskId: string | null } = { projectId: entry.projectId, taskId: entry.taskId };
  const next = patchedWork(entry, patch);
  if (next.projectId !== entry.projectId || next.taskId !== entry.taskId) {
    // Checked for the entry's member: it is their time, whoever corrects it.
    work = await resolveWork(ctx, ws, entry.memberId, next);
  }

  let approval = entry.approval;
  let reason = patch.reason ?? entry.reason;
  const addsTime = startMs < entry.startMs || (entry.endMs !== null && endMs !== null && endMs > entry.endMs);
  if (addsTime && access.self) {
    const { manualTime } = await loadSettings(ctx, ws);
    if (manualTime === "forbidden") throw forbidden("manual_time_forbidden", "This workspace does not allow adding time by hand: you can shorten entries, not lengthen them.");
    if (manualTime === "approval") {
      if (!patch.reason) throw validationFailed([{ field: "reason", code: "required", message: "Say why you add time: it needs approval." }]);
      approval = "pending";
      reason = patch.reason;
    }
  }

  const after: StoredEntry = {
    ...entry, startMs, endMs, projectId: work.projectId, taskId: work.taskId, note: patch.note ?? entry.note,
    billable: patch.billable ?? entry.billable, approval, reason,
  };
  const diff = changedFields(entry, after);
  if (!Object.keys(diff.after).length) return oneEntryView(ctx, ws, entry);

  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "update", memberId: entry.memberId, timeZone: access.member.timeZone, at: ctx.now(), id: entry.id, expectRev: entry.rev,
    startMs, endMs, projectId: after.projectId, taskId: after.taskId, note: after.note, billable: after.billable, approval, reason,
  });
  if (!result.ok) throw timeFailure(result);
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: "time.entry_updated", targetType: "time_entry", targetId: entry.id,
    data: { memberId: entry.memberId, ...diff },
  });
  return oneEntryView(ctx, ws, result.entry);
}

export async function splitEntry(ctx: ServiceContext, actor: Actor, entryId: string, atMs: number): Promise<{ first: TimeEntryView; second: TimeEntryView }> {
  const ws = actor.workspace.id;
  const { entry, access } = await visibleEntry(ctx, actor, entryId);
  assertMayEdit(actor, entry);
  if (entry.approval === "rejected") throw conflict("time_entry_rejected", "A rejected entry cannot be changed. Delete it or add a new entry.");
  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "split", memberId: entry.memberId, timeZone: access.member.timeZone, at: ctx.now(), id: entry.id, expectRev: entry.rev, atMs, newId: newId(),
  });
  if (!result.ok) throw timeFailure(result);
  const second = result.second!;
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: "time.entry_split", targetType: "time_entry", targetId: entry.id,
    data: {
      memberId: entry.memberId, at: isoOf(atMs), before: auditView(entry),
      first: { id: result.entry.id, start: isoOf(result.entry.startMs), end: isoOf(atMs) },
      second: { id: second.id, start: isoOf(second.startMs), end: second.endMs === null ? null : isoOf(second.endMs) },
    },
  });
  const [first, secondView] = await entryViews(ctx, ws, [result.entry, second]);
  return { first: first!, second: secondView! };
}

export async function deleteEntry(ctx: ServiceContext, actor: Actor, entryId: string): Promise<void> {
  const ws = actor.workspace.id;
  const { entry, access } = await visibleEntry(ctx, actor, entryId);
  assertMayEdit(actor, entry);
  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "delete", memberId: entry.memberId, timeZone: access.member.timeZone, at: ctx.now(), id: entry.id, expectRev: entry.rev,
  });
  if (!result.ok) throw timeFailure(result);
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: "time.entry_deleted", targetType: "time_entry", targetId: entry.id,
    data: { memberId: entry.memberId, source: entry.source, ...auditView(entry) },
  });
}
