/**
 * The timer, from the web and the API: start (now, on a project/task the member is assigned to),
 * stop, and the running entry. The running entry may also come from the desktop agent: there is one
 * timer per person whatever the door, and it can be stopped from any of them.
 */
import type { Actor } from "../../authz/actor";
import { readScope, requireScope } from "../../authz/policy";
import { newId } from "../../db/ids";
import type { ServiceContext } from "../context";
import { timeFailure } from "./errors";
import { workspaceObject } from "./object";
import { oneEntryView, type TimeEntryView } from "./wire";
import { resolveWork, type WorkInput } from "./work";

export type PeopleSource = "web" | "api";

export interface TimerStartInput extends WorkInput {
  note?: string;
  /** Defaults to the project's billable flag (false without a project). */
  billable?: boolean;
}

export async function startTimer(ctx: ServiceContext, actor: Actor, input: TimerStartInput, source: PeopleSource): Promise<TimeEntryView> {
  requireScope(actor, "time", "create");
  const ws = actor.workspace.id;
  const work = await resolveWork(ctx, ws, actor.member.id, input);
  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "start", memberId: actor.member.id, timeZone: actor.member.timeZone, at: ctx.now(), id: newId(), source,
    projectId: work.projectId, taskId: work.taskId, note: input.note ?? "", billable: input.billable ?? work.projectBillable ?? false,
  });
  if (!result.ok) throw timeFailure(result);
  return oneEntryView(ctx, ws, result.entry);
}

export async function stopTimer(ctx: ServiceContext, actor: Actor): Promise<TimeEntryView> {
  requireScope(actor, "time", "create");
  const ws = actor.workspace.id;
  const result = await workspaceObject(ctx, ws).timeCommand({ kind: "stop", memberId: actor.member.id, timeZone: actor.member.timeZone, at: ctx.now() });
  if (!result.ok) throw timeFailure(result);
  return oneEntryView(ctx, ws, result.entry);
}

/** The caller's running entry, or null. */
export async function runningTimer(ctx: ServiceContext, actor: Actor): Promise<TimeEntryView | null> {
  readScope(actor, "time", "timer");
  const ws = actor.workspace.id;
  const entry = await workspaceObject(ctx, ws).runningEntry(actor.member.id);
  return entry ? oneEntryView(ctx, ws, entry) : null;
}
