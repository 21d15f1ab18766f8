/**
 * Helpers for the time tests: API paths, the manual-time policy, tracking data written straight into
 * the workspace's Durable Object (as the agent's ingest would), and reads of D1 audit rows and of the
 * object's rows, so tests can assert on real storage.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import type { TimeEntryItem } from "../../worker/contract/agent";
import { auditLog, members, projectMembers, trackingSettings } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { ctx, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export const W = (w: { ws: string }, rest = "") => `/api/v1/workspaces/${w.ws}${rest}`;

export const stubOf = (ws: string) => env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;

/** Midnight UTC of today minus `days`, plus `hours`: safely in the past for manual entries. */
export function daysAgo(days: number, hours = 0) {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - days) + hours * HOUR;
}
export const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function setManualTime(ws: string, manualTime: "allowed" | "approval" | "forbidden") {
  await ctx().db.insert(trackingSettings).values({ workspaceId: ws, manualTime, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: trackingSettings.workspaceId, set: { manualTime } });
}

export async function setTimeZone(memberId: string, timeZone: string) {
  await ctx().db.update(members).set({ timeZone }).where(eq(members.id, memberId));
}

export async function assign(projectId: string, memberId: string, role: "member" | "manager" | "viewer" = "member") {
  await ctx().db.insert(projectMembers).values({ projectId, memberId, role }).onConflictDoNothing();
}

export async function audits(ws: string, action: string) {
  const rows = await ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, action))).orderBy(auditLog.seq);
  return rows.map((r) => ({ targetId: r.targetId, actorUserId: r.actorUserId, data: JSON.parse(r.data) as Record<string, any> }));
}

/** Every time entry row of the workspace (deleted ones too), for "nothing changed" assertions. */
export async function entryRows(ws: string) {
  return runInDurableObject(stubOf(ws), (_o: WorkspaceObject, state) =>
    state.storage.sql.exec("select * from time_entries order by id").toArray());
}

/** Stores agent items for a member, as an accepted batch would (no reference checks). */
/** `receivedAt` near the items' dates: the ingest refuses items older than 60 days (ITEM_MAX_AGE_MS). */
export async function ingest(ws: string, memberId: string, timeZone: string, items: unknown[], receivedAt = Date.now()) {
  const results = await stubOf(ws).ingest({ memberId, deviceId: "device-1", timeZone, clockOffsetMs: 0, receivedAt, items });
  const bad = results.filter((r) => r.status === "rejected");
  if (bad.length) throw new Error(`ingest rejected: ${JSON.stringify(bad)}`);
  return results;
}

export const agentEntry = (startMs: number, endMs: number | null, over: Partial<TimeEntryItem> = {}): TimeEntryItem => ({
  kind: "time_entry", id: newId(), rev: 0, start: iso(startMs), end: endMs === null ? null : iso(endMs), source: "desktop", ...over,
});
export const slot = (startMs: number, tracked = 600, active = 300) =>
  ({ kind: "slot", id: newId(), rev: 0, slotStart: iso(startMs), trackedSeconds: tracked, activeSeconds: active });
export const usage = (startMs: number, endMs: number, app: string, url: string | null = null) =>
  ({ kind: "usage", id: newId(), app, title: `${app} window`, url, start: iso(startMs), end: iso(endMs) });
export const idle = (startMs: number, endMs: number) => ({ kind: "idle", id: newId(), start: iso(startMs), end: iso(endMs), decision: "keep" });

/** Adds a manual entry through the API as `token`; throws unless it was created. */
export async function manual(w: { ws: string }, token: string, body: Record<string, unknown>) {
  const res = await api(token, "POST", W(w, "/time-entries"), { reason: "Forgot the timer", ...body });
  if (res.status !== 201) throw new Error(`manual entry: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; approval: string; start: string; end: string };
}

export type { RoleWorld };
