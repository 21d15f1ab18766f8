/** Small helpers for the structure tests: paths, list names, row counts and audit actions read from D1. */
import { eq, sql } from "drizzle-orm";
import { auditLog, clients, projectMembers, projects, tasks, teamMembers, teams } from "../../worker/db/schema";
import { ctx, type RoleWorld } from "../helpers/factory";

export const W = (w: RoleWorld | { ws: string }, rest = "") => `/api/v1/workspaces/${w.ws}${rest}`;

/** Sorted names of a list response's items. */
export const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name).sort();

/** Row counts of every structure table for one workspace (membership tables through their parent). */
export async function structureCounts(ws: string) {
  const db = ctx().db;
  const one = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? 0;
  const n = sql<number>`count(*)`;
  return {
    teams: await one(db.select({ n }).from(teams).where(eq(teams.workspaceId, ws))),
    teamMembers: await one(db.select({ n }).from(teamMembers).innerJoin(teams, eq(teams.id, teamMembers.teamId)).where(eq(teams.workspaceId, ws))),
    clients: await one(db.select({ n }).from(clients).where(eq(clients.workspaceId, ws))),
    projects: await one(db.select({ n }).from(projects).where(eq(projects.workspaceId, ws))),
    projectMembers: await one(db.select({ n }).from(projectMembers).innerJoin(projects, eq(projects.id, projectMembers.projectId)).where(eq(projects.workspaceId, ws))),
    tasks: await one(db.select({ n }).from(tasks).where(eq(tasks.workspaceId, ws))),
    audit: await one(db.select({ n }).from(auditLog).where(eq(auditLog.chain, ws))),
  };
}

export async function auditEntries(ws: string) {
  const rows = await ctx().db.select().from(auditLog).where(eq(auditLog.chain, ws)).orderBy(auditLog.seq);
  return rows.map((r) => ({ action: r.action, targetId: r.targetId, data: JSON.parse(r.data) as unknown }));
}
