/**
 * The projects and tasks a batch may name, as the Worker resolves them from D1 for every upload
 * (worker/services/tracking/agentAuth.ts referencesQuery, part of the one D1 batch of every upload;
 * the member's role is read from D1 by the query itself).
 */
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { newId } from "../../worker/db/ids";
import { projectMembers, projects, tasks } from "../../worker/db/schema";
import { referencesQuery, toReferences } from "../../worker/services/tracking/agentAuth";
import { ctx, roleWorld, type Person, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { signInAgent } from "../tracking-d1/support";

/** Adds to roleWorld: a project without tasks and an archived project (both with the employee), archived tasks. */
async function world() {
  const w = await roleWorld();
  const db = ctx().db;
  const bare = newId(), archivedProject = newId(), archivedTask = newId(), taskOfArchived = newId();
  await db.batch([
    db.insert(projects).values([
      { id: bare, workspaceId: w.ws, name: "No tasks yet" },
      { id: archivedProject, workspaceId: w.ws, name: "Old", archivedAt: Date.now() },
    ]),
    db.insert(projectMembers).values([
      { projectId: bare, memberId: w.roles.employee.memberId, role: "member" },
      { projectId: archivedProject, memberId: w.roles.employee.memberId, role: "member" },
    ]),
    db.insert(tasks).values([
      { id: archivedTask, workspaceId: w.ws, projectId: w.projectA, name: "Done", archivedAt: Date.now() },
      { id: taskOfArchived, workspaceId: w.ws, projectId: archivedProject, name: "In old project" },
    ]),
  ]);
  return { ...w, bare, archivedProject, archivedTask, taskOfArchived };
}

const sorted = (xs: string[]) => [...xs].sort();
const refsOf = async (w: RoleWorld, p: Person) => {
  const r = toReferences(await referencesQuery(ctx().db, w.ws, p.memberId));
  return { projectIds: sorted(r.projectIds), tasks: [...r.tasks].sort((a, b) => a.id.localeCompare(b.id)) };
};

describe("referencesQuery", () => {
  it("gives a member the open projects they are a member or manager of, with their open tasks, including projects without tasks", async () => {
    const w = await world();
    const r = await refsOf(w, w.roles.employee);
    expect(r.projectIds).toEqual(sorted([w.projectA, w.bare]));
    expect(r.tasks).toEqual([{ id: w.taskA, projectId: w.projectA }]);
  });

  it("gives owners and executives every open project and task of their workspace, and nothing of another", async () => {
    const w = await world();
    for (const role of ["owner", "executive"] as const) {
      const r = await refsOf(w, w.roles[role]);
      expect(r.projectIds).toEqual(sorted([w.projectA, w.projectB, w.bare]));
      expect(r.tasks).toEqual([{ id: w.taskA, projectId: w.projectA }, { id: w.taskB, projectId: w.projectB }].sort((a, b) => a.id.localeCompare(b.id)));
    }
  });

  // Production D1 binds at most 100 parameters per query (local D1 allows more, so this cannot fail
  // on that alone here): the lookup must not bind one parameter per project.
  it("returns every project and task of a workspace with hundreds of projects", async () => {
    const w = await roleWorld();
    const db = ctx().db;
    const many = Array.from({ length: 300 }, (_, i) => ({ id: newId(), workspaceId: w.ws, name: `P${i}` }));
    // Inserted 10 rows at a time: each statement stays under D1's 100 bound parameters itself.
    for (let i = 0; i < many.length; i += 10) await db.insert(projects).values(many.slice(i, i + 10));
    for (let i = 0; i < 40; i += 10) {
      await db.insert(tasks).values(many.slice(i, i + 10).map((p) => ({ id: newId(), workspaceId: w.ws, projectId: p.id, name: "T" })));
    }
    const r = await refsOf(w, w.roles.owner);
    expect(r.projectIds).toHaveLength(302);
    expect(r.tasks).toHaveLength(42);
  });

  it("does not count a viewer's place on a project", async () => {
    const w = await world();
    expect(await refsOf(w, w.roles.project_viewer)).toEqual({ projectIds: [], tasks: [] });
  });

  it("decides what an uploaded entry may name: an open task is stored, an archived task or project is rejected", async () => {
    const w = await world();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const start = Date.now() - 5 * 3600_000;
    const entry = (i: number, projectId: string, taskId: string | null) => ({
      kind: "time_entry", id: v7(), rev: 1, source: "desktop", projectId, taskId,
      start: new Date(start + i * 3600_000).toISOString(), end: new Date(start + i * 3600_000 + 600_000).toISOString(),
    });
    const items = [entry(0, w.projectA, w.taskA), entry(1, w.bare, null), entry(2, w.projectA, w.archivedTask), entry(3, w.archivedProject, w.taskOfArchived)];
    const res = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(["stored", "stored", "unknown_task", "unknown_project"]);
  });
});
