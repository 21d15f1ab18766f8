/**
 * Manager decisions on manual time waiting for approval (manual-time policy 'approval'). Who decides
 * follows approvals:manage: owners and executives anyone's; team managers the members of teams they
 * manage; project managers time on projects they manage. Nobody approves their own time. The entry
 * must be visible to the decider first (404 otherwise); visible but not theirs to decide is a 403.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { scopeOf } from "../../authz/policy";
import { coversMember, managedProjectIds } from "../../authz/scope";
import { members, projects } from "../../db/schema";
import { conflict, forbidden } from "../../http/problem";
import type { StoredEntry } from "../../workspace/timeEntries";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import { visibleEntry } from "./access";
import { timeFailure } from "./errors";
import { workspaceObject } from "./object";
import { isoOf, oneEntryView, type TimeEntryView } from "./wire";

export type Decision = "approved" | "rejected";

/** Whether the actor's approvals:manage scope reaches this entry (decided in D1, in SQL). */
async function mayDecide(ctx: ServiceContext, actor: Actor, entry: StoredEntry): Promise<boolean> {
  const scope = scopeOf(actor, "approvals", "manage");
  if (scope === "all") return true;
  if (scope === "team") {
    const [row] = await ctx.db.select({ id: members.id }).from(members)
      .where(and(eq(members.workspaceId, actor.workspace.id), eq(members.id, entry.memberId), coversMember(actor, "team", members.id)));
    return !!row;
  }
  if (scope === "project" && entry.projectId !== null) {
    const [row] = await ctx.db.select({ id: projects.id }).from(projects)
      .where(and(eq(projects.workspaceId, actor.workspace.id), eq(projects.id, entry.projectId), sql`${projects.id} in ${managedProjectIds(actor)}`));
    return !!row;
  }
  return false;
}

export async function decideEntry(ctx: ServiceContext, actor: Actor, entryId: string, decision: Decision): Promise<TimeEntryView> {
  const ws = actor.workspace.id;
  const { entry, access } = await visibleEntry(ctx, actor, entryId);
  if (entry.memberId === actor.member.id) {
    if (!scopeOf(actor, "approvals", "manage")) throw forbidden();
    throw forbidden("self_approval", "Someone else has to approve or reject your own time.");
  }
  if (!(await mayDecide(ctx, actor, entry))) throw forbidden();
  if (entry.approval !== "pending") throw conflict("not_pending", "Only entries waiting for approval can be approved or rejected.");
  const result = await workspaceObject(ctx, ws).timeCommand({
    kind: "decide", memberId: entry.memberId, timeZone: access.member.timeZone, at: ctx.now(), id: entry.id, expectRev: entry.rev, approval: decision,
  });
  if (!result.ok) throw timeFailure(result);
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: decision === "approved" ? "time.entry_approved" : "time.entry_rejected",
    targetType: "time_entry", targetId: entry.id,
    data: { memberId: entry.memberId, start: isoOf(entry.startMs), end: entry.endMs === null ? null : isoOf(entry.endMs), projectId: entry.projectId, reason: entry.reason },
  });
  return oneEntryView(ctx, ws, result.entry);
}
