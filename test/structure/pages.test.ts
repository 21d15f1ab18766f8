/**
 * The web door for teams, clients, projects and tasks: each role's pages show exactly its scope,
 * create/edit controls appear only for roles that may use them, forms work without JavaScript, and
 * a forged form post from a role without the permission is refused by the service (nothing written).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ROLES, tasks, teamMembers, type Role } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { cspSafe, signedIn } from "../ui/session";
import { structureCounts } from "./support";

const visibleProjects: Record<Role, string[]> = {
  owner: ["Project A", "Project B"], executive: ["Project A", "Project B"], team_manager: [],
  project_manager: ["Project A"], employee: ["Project A"], project_viewer: ["Project A"],
};

async function page(b: Awaited<ReturnType<typeof signedIn>>, path: string) {
  const res = await b.fetch(path);
  return { status: res.status, html: await res.text(), csp: res.headers.get("content-security-policy") };
}

describe("structure pages", () => {
  it.each(ROLES)("%s sees exactly their projects, and the create form only when allowed", async (role) => {
    const w = await roleWorld();
    const b = await signedIn(w.roles[role].userId);
    const r = await page(b, `/w/${w.ws}/projects`);
    expect(r.status).toBe(200);
    for (const name of ["Project A", "Project B", "Foreign project"]) {
      expect(r.html.includes(name), `${role} / ${name}`).toBe(visibleProjects[role].includes(name));
    }
    expect(r.html.includes("Create project")).toBe(role === "owner" || role === "executive");
    expect(cspSafe(r.html, r.csp)).toMatchObject({ inlineStyles: 0, scriptsWithoutNonce: 0 });
  });

  it.each(ROLES)("%s: project A page with the controls the role may use; project B and foreign ids are 404", async (role) => {
    const w = await roleWorld();
    const b = await signedIn(w.roles[role].userId);
    const a = await page(b, `/w/${w.ws}/projects/${w.projectA}`);
    const seesA = visibleProjects[role].includes("Project A");
    expect(a.status).toBe(seesA ? 200 : 404);
    if (seesA) {
      expect(a.html).toContain("Task A");
      const runsTasks = role === "owner" || role === "executive" || role === "project_manager";
      expect(a.html.includes("Add task"), "add task").toBe(runsTasks);
      expect(a.html.includes("Add to project"), "staffing").toBe(runsTasks);
      expect(a.html.includes("Client and billing"), "billing").toBe(role === "owner" || role === "executive");
      expect(a.html.includes("Archive project"), "archive").toBe(role === "owner" || role === "executive");
      expect(cspSafe(a.html, a.csp)).toMatchObject({ inlineStyles: 0, scriptsWithoutNonce: 0 });
    }
    expect((await b.fetch(`/w/${w.ws}/projects/${w.projectB}`)).status).toBe(visibleProjects[role].includes("Project B") ? 200 : 404);
    expect((await b.fetch(`/w/${w.ws}/projects/${w.foreign.project}`)).status).toBe(404);
  });

  it.each(ROLES)("%s: teams page by scope (project viewers have none) and team B only for owners/executives", async (role) => {
    const w = await roleWorld();
    const b = await signedIn(w.roles[role].userId);
    const r = await page(b, `/w/${w.ws}/teams`);
    if (role === "project_viewer") {
      expect(r.status).toBe(404);
    } else {
      expect(r.status).toBe(200);
      const admin = role === "owner" || role === "executive";
      expect(r.html.includes("Team A")).toBe(role !== "project_manager");
      expect(r.html.includes("Team B")).toBe(admin);
      expect(r.html.includes("Create team")).toBe(admin);
      expect(cspSafe(r.html, r.csp)).toMatchObject({ inlineStyles: 0, scriptsWithoutNonce: 0 });
    }
    const admin = role === "owner" || role === "executive";
    expect((await b.fetch(`/w/${w.ws}/teams/${w.teamB}`)).status).toBe(admin ? 200 : 404);
    expect((await b.fetch(`/w/${w.ws}/teams/${w.foreign.team}`)).status).toBe(404);
  });

  it("a project manager adds, completes and archives a task through plain form posts", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.project_manager.userId);
    const path = `/w/${w.ws}/projects/${w.projectA}`;
    const added = await b.fetch(path, { method: "POST", form: { intent: "addTask", taskName: "Draft proposal" } });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain("Task “Draft proposal” added.");
    const [row] = await ctx().db.select().from(tasks).where(eq(tasks.name, "Draft proposal"));
    expect(row).toMatchObject({ projectId: w.projectA, status: "open", workspaceId: w.ws });
    expect((await b.fetch(path, { method: "POST", form: { intent: "taskDone", taskId: row!.id } })).status).toBe(200);
    expect((await b.fetch(path, { method: "POST", form: { intent: "taskArchive", taskId: row!.id } })).status).toBe(200);
    const [after] = await ctx().db.select().from(tasks).where(eq(tasks.id, row!.id));
    expect(after).toMatchObject({ status: "done", archivedAt: expect.any(Number) });

    const dup = await b.fetch(path, { method: "POST", form: { intent: "addTask", taskName: "task a" } });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain("already exists");
  });

  it("forged form posts from roles without the permission change nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const employee = await signedIn(w.roles.employee.userId);
    const r = await employee.fetch(`/w/${w.ws}/projects/${w.projectA}`, { method: "POST", form: { intent: "addTask", taskName: "Sneaky" } });
    expect(r.status).toBe(403);
    const viewer = await signedIn(w.roles.project_viewer.userId);
    expect((await viewer.fetch(`/w/${w.ws}/projects/${w.projectA}`, { method: "POST", form: { intent: "archive" } })).status).toBe(403);
    const pm = await signedIn(w.roles.project_manager.userId);
    // Project B is invisible to its non-manager: 404, not 403.
    expect((await pm.fetch(`/w/${w.ws}/projects/${w.projectB}`, { method: "POST", form: { intent: "addTask", taskName: "Sneaky" } })).status).toBe(404);
    expect((await pm.fetch(`/w/${w.ws}/projects/${w.projectA}`, { method: "POST", form: { intent: "billing", clientId: "", billable: "on" } })).status).toBe(403);
    const tm = await signedIn(w.roles.team_manager.userId);
    expect((await tm.fetch(`/w/${w.ws}/teams`, { method: "POST", form: { intent: "create", name: "Shadow team" } })).status).toBe(403);
    expect(await structureCounts(w.ws)).toEqual(before);
  });

  it("an owner staffs a team through the form and sees the manager rule explained", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.owner.userId);
    const path = `/w/${w.ws}/teams/${w.teamB}`;
    const refused = await b.fetch(path, { method: "POST", form: { intent: "add", memberId: w.roles.employee.memberId, isManager: "on" } });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Only owners, executive managers and team managers can manage a team.");
    const ok = await b.fetch(path, { method: "POST", form: { intent: "add", memberId: w.roles.team_manager.memberId, isManager: "on" } });
    expect(ok.status).toBe(200);
    const rows = await ctx().db.select().from(teamMembers).where(eq(teamMembers.teamId, w.teamB));
    expect(rows.find((r) => r.memberId === w.roles.team_manager.memberId)?.isManager).toBe(true);
  });

  it("an executive creates a client and a project under it through the forms, with field errors on bad input", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.executive.userId);
    expect((await b.fetch(`/w/${w.ws}/clients`, { method: "POST", form: { intent: "create", name: "Initech" } })).status).toBe(200);
    const list = await page(b, `/w/${w.ws}/projects`);
    const clientId = /<option value="([0-9a-f-]{36})">Initech<\/option>/.exec(list.html)?.[1];
    expect(clientId).toBeTruthy();
    const created = await b.fetch(`/w/${w.ws}/projects`, { method: "POST", form: { intent: "create", name: "Rebrand", clientId: clientId!, color: "#ff8800", billable: "on" } });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain("Project “Rebrand” created.");
    const bad = await b.fetch(`/w/${w.ws}/projects`, { method: "POST", form: { intent: "create", name: "x".repeat(121), clientId: "", color: "orange" } });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("At most 120 characters.");
    expect(html).toContain("Use a hex colour like #4f46e5.");
    const foreign = await b.fetch(`/w/${w.ws}/projects`, { method: "POST", form: { intent: "create", name: "Planted", clientId: w.foreign.client, color: "#000000" } });
    expect(foreign.status).toBe(404);
  });
});
