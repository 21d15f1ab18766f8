import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tasks } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditEntries, names, structureCounts, W } from "./support";

async function taskRow(id: string) {
  const [t] = await ctx().db.select().from(tasks).where(eq(tasks.id, id));
  return t!;
}

describe("tasks", () => {
  it("lists a project's tasks for everyone assigned to it, and 404s for everyone else", async () => {
    const w = await roleWorld();
    for (const role of ["owner", "executive", "project_manager", "employee", "project_viewer"] as const) {
      const r = await api(w.roles[role].token, "GET", W(w, `/projects/${w.projectA}/tasks`));
      expect(r.status, role).toBe(200);
      expect(names(r.body), role).toEqual(["Task A"]);
    }
    expect((await api(w.roles.team_manager.token, "GET", W(w, `/projects/${w.projectA}/tasks`))).status).toBe(404);
    for (const role of ["team_manager", "project_manager", "employee", "project_viewer"] as const) {
      expect((await api(w.roles[role].token, "GET", W(w, `/projects/${w.projectB}/tasks`))).status, role).toBe(404);
      expect((await api(w.roles[role].token, "GET", W(w, `/tasks/${w.taskB}`))).status, role).toBe(404);
    }
  });

  it("lets a project manager add a task to their project A but answers 404 for project B", async () => {
    const w = await roleWorld();
    const pm = w.roles.project_manager.token;
    const before = await structureCounts(w.ws);
    const created = await api(pm, "POST", W(w, `/projects/${w.projectA}/tasks`), { name: "Write specs" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ projectId: w.projectA, name: "Write specs", status: "open", archivedAt: null });
    const b = await api(pm, "POST", W(w, `/projects/${w.projectB}/tasks`), { name: "Sneak in" });
    expect(b.status).toBe(404);
    expect(b.body.code).toBe("not_found");
    expect((await structureCounts(w.ws)).tasks).toBe(before.tasks + 1);
    const audit = await auditEntries(w.ws);
    expect(audit).toEqual([{ action: "task.created", targetId: created.body.id, data: { projectId: w.projectA, name: "Write specs" } }]);
  });

  it("answers 403 to roles that see the project but may not add tasks", async () => {
    const w = await roleWorld();
    for (const role of ["employee", "project_viewer"] as const) {
      const r = await api(w.roles[role].token, "POST", W(w, `/projects/${w.projectA}/tasks`), { name: "Mine" });
      expect(r.status, role).toBe(403);
    }
    expect(names((await api(w.roles.owner.token, "GET", W(w, `/projects/${w.projectA}/tasks`))).body)).toEqual(["Task A"]);
  });

  it("completes, reopens, renames, archives and restores a task", async () => {
    const w = await roleWorld();
    const pm = w.roles.project_manager.token;
    expect((await api(pm, "PATCH", W(w, `/tasks/${w.taskA}`), { status: "done" })).body.status).toBe("done");
    expect(names((await api(pm, "GET", W(w, `/projects/${w.projectA}/tasks?status=open`))).body)).toEqual([]);
    expect(names((await api(pm, "GET", W(w, `/projects/${w.projectA}/tasks?status=done`))).body)).toEqual(["Task A"]);
    expect((await api(pm, "PATCH", W(w, `/tasks/${w.taskA}`), { status: "open", name: "Task Alpha" })).body).toMatchObject({ status: "open", name: "Task Alpha" });
    const archived = await api(pm, "PATCH", W(w, `/tasks/${w.taskA}`), { archived: true });
    expect(archived.body.archivedAt).toEqual(expect.any(Number));
    expect(names((await api(w.roles.employee.token, "GET", W(w, `/projects/${w.projectA}/tasks`))).body)).toEqual([]);
    expect(names((await api(w.roles.employee.token, "GET", W(w, `/projects/${w.projectA}/tasks?includeArchived=true`))).body)).toEqual(["Task Alpha"]);
    await api(pm, "PATCH", W(w, `/tasks/${w.taskA}`), { archived: false });
    expect((await taskRow(w.taskA)).archivedAt).toBeNull();
    const actions = (await auditEntries(w.ws)).map((a) => a.action);
    expect(actions).toEqual(["task.completed", "task.renamed", "task.reopened", "task.archived", "task.unarchived"]);
  });

  it("keeps task names unique per project, not per workspace", async () => {
    const w = await roleWorld();
    const dup = await api(w.roles.owner.token, "POST", W(w, `/projects/${w.projectA}/tasks`), { name: "task a" });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("name_taken");
    expect((await api(w.roles.owner.token, "POST", W(w, `/projects/${w.projectB}/tasks`), { name: "Task A" })).status).toBe(201);
    const rename = await api(w.roles.owner.token, "PATCH", W(w, `/tasks/${w.taskB}`), { name: "TASK A" });
    expect(rename.status).toBe(409);
  });

  it("refuses new tasks in an archived project", async () => {
    const w = await roleWorld();
    await api(w.roles.owner.token, "PATCH", W(w, `/projects/${w.projectA}`), { archived: true });
    const r = await api(w.roles.project_manager.token, "POST", W(w, `/projects/${w.projectA}/tasks`), { name: "Too late" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("project_archived");
  });

  it("refuses foreign-workspace tasks and projects with 404 and writes nothing", async () => {
    const w = await roleWorld();
    const t = w.roles.owner.token;
    const before = await structureCounts(w.foreign.ws);
    expect((await api(t, "GET", W(w, `/tasks/${w.foreign.task}`))).status).toBe(404);
    expect((await api(t, "PATCH", W(w, `/tasks/${w.foreign.task}`), { status: "done" })).status).toBe(404);
    expect((await api(t, "GET", W(w, `/projects/${w.foreign.project}/tasks`))).status).toBe(404);
    expect((await api(t, "POST", W(w, `/projects/${w.foreign.project}/tasks`), { name: "Planted" })).status).toBe(404);
    expect(await structureCounts(w.foreign.ws)).toEqual(before);
    expect((await taskRow(w.foreign.task)).status).toBe("open");
  });
});
