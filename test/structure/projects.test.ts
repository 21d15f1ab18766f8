import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { projectMembers, projects } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditEntries, names, structureCounts, W } from "./support";

async function projectRow(id: string) {
  const [p] = await ctx().db.select().from(projects).where(eq(projects.id, id));
  return p!;
}

describe("projects", () => {
  it("lists exactly the projects in each role's scope, with the caller's project role", async () => {
    const w = await roleWorld();
    const list = async (role: keyof typeof w.roles) => (await api(w.roles[role].token, "GET", W(w, "/projects"))).body;
    expect(names(await list("owner"))).toEqual(["Project A", "Project B"]);
    expect(names(await list("executive"))).toEqual(["Project A", "Project B"]);
    expect(names(await list("project_manager"))).toEqual(["Project A"]);
    expect(names(await list("employee"))).toEqual(["Project A"]);
    expect(names(await list("project_viewer"))).toEqual(["Project A"]);
    expect(names(await list("team_manager"))).toEqual([]);
    expect((await list("project_manager")).items[0]).toMatchObject({ myRole: "manager", clientId: w.clientA, clientName: "Acme Client" });
    expect((await list("project_viewer")).items[0].myRole).toBe("viewer");
    expect((await list("owner")).items.every((p: { myRole: unknown }) => p.myRole === null)).toBe(true);
  });

  it("filters by client", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "GET", W(w, `/projects?clientId=${w.clientB}`));
    expect(names(r.body)).toEqual(["Project B"]);
  });

  it("creates a project under a client with defaults, and audits it", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.executive.token, "POST", W(w, "/projects"), { name: "Website", clientId: w.clientA });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Website", clientId: w.clientA, clientName: "Acme Client", color: "#4f46e5", billable: true, archivedAt: null });
    const bare = await api(w.roles.owner.token, "POST", W(w, "/projects"), { name: "Internal", clientId: null, color: "#00AA11", billable: false });
    expect(bare.body).toMatchObject({ clientId: null, clientName: null, color: "#00AA11", billable: false });
    const actions = (await auditEntries(w.ws)).map((a) => a.action);
    expect(actions).toEqual(["project.created", "project.created"]);
  });

  it("refuses a client of another workspace with 404 naming clientId, and writes nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const foreignBefore = await structureCounts(w.foreign.ws);
    const create = await api(w.roles.owner.token, "POST", W(w, "/projects"), { name: "Sneaky", clientId: w.foreign.client });
    expect(create.status).toBe(404);
    expect(create.body).toMatchObject({ code: "not_found", errors: [{ field: "clientId", code: "not_found" }] });
    const move = await api(w.roles.owner.token, "PATCH", W(w, `/projects/${w.projectA}`), { clientId: w.foreign.client, name: "Moved" });
    expect(move.status).toBe(404);
    expect(move.body.errors[0].field).toBe("clientId");
    const unknown = await api(w.roles.owner.token, "POST", W(w, "/projects"), { name: "Sneaky", clientId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    expect(await structureCounts(w.ws)).toEqual(before);
    expect(await structureCounts(w.foreign.ws)).toEqual(foreignBefore);
    expect(await projectRow(w.projectA)).toMatchObject({ name: "Project A", clientId: w.clientA });
  });

  it("refuses an archived client", async () => {
    const w = await roleWorld();
    await api(w.roles.owner.token, "PATCH", W(w, `/clients/${w.clientB}`), { archived: true });
    const r = await api(w.roles.owner.token, "POST", W(w, "/projects"), { name: "Late", clientId: w.clientB });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("client_archived");
    // Projects already under it keep their client.
    expect((await projectRow(w.projectB)).clientId).toBe(w.clientB);
  });

  it("lets executives change everything, including the client and billing", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.executive.token, "PATCH", W(w, `/projects/${w.projectA}`), { clientId: w.clientB, billable: false, color: "#123456" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ clientId: w.clientB, clientName: "Globex", billable: false, color: "#123456" });
    const none = await api(w.roles.executive.token, "PATCH", W(w, `/projects/${w.projectA}`), { clientId: null });
    expect(none.body.clientId).toBeNull();
    const updates = (await auditEntries(w.ws)).filter((a) => a.action === "project.updated");
    expect(updates[0]!.data).toEqual({
      from: { color: "#4f46e5", clientId: w.clientA, billable: true },
      to: { color: "#123456", clientId: w.clientB, billable: false },
    });
  });

  it("lets a project manager rename and recolour their project but nothing else", async () => {
    const w = await roleWorld();
    const pm = w.roles.project_manager.token;
    const ok = await api(pm, "PATCH", W(w, `/projects/${w.projectA}`), { name: "Project Alpha", color: "#abcdef" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Project Alpha", color: "#abcdef" });
    for (const body of [{ billable: false }, { clientId: w.clientB }, { clientId: null }, { archived: true }, { name: "X", archived: true }]) {
      const r = await api(pm, "PATCH", W(w, `/projects/${w.projectA}`), body);
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.code).toBe("project_field_restricted");
    }
    expect(await projectRow(w.projectA)).toMatchObject({ name: "Project Alpha", billable: true, clientId: w.clientA, archivedAt: null });
  });

  it("answers 403 to a project manager who is only a member of the project, 404 when not on it at all", async () => {
    const w = await roleWorld();
    await ctx().db.insert(projectMembers).values({ projectId: w.projectB, memberId: w.roles.project_manager.memberId, role: "member" });
    const member = await api(w.roles.project_manager.token, "PATCH", W(w, `/projects/${w.projectB}`), { color: "#000000" });
    expect(member.status).toBe(403);
    expect(member.body.code).toBe("not_project_manager");
    const w2 = await roleWorld();
    expect((await api(w2.roles.project_manager.token, "PATCH", W(w2, `/projects/${w2.projectB}`), { color: "#000000" })).status).toBe(404);
    expect((await projectRow(w.projectB)).color).toBe("#4f46e5");
  });

  it("archives and restores: archived projects leave default lists but stay readable", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "PATCH", W(w, `/projects/${w.projectA}`), { archived: true });
    expect(r.body.archivedAt).toEqual(expect.any(Number));
    expect(names((await api(w.roles.employee.token, "GET", W(w, "/projects"))).body)).toEqual([]);
    expect(names((await api(w.roles.employee.token, "GET", W(w, "/projects?includeArchived=true"))).body)).toEqual(["Project A"]);
    expect((await api(w.roles.employee.token, "GET", W(w, `/projects/${w.projectA}`))).status).toBe(200);
    // Archiving again keeps the original time.
    const again = await api(w.roles.owner.token, "PATCH", W(w, `/projects/${w.projectA}`), { archived: true });
    expect(again.body.archivedAt).toBe(r.body.archivedAt);
    await api(w.roles.owner.token, "PATCH", W(w, `/projects/${w.projectA}`), { archived: false });
    expect(names((await api(w.roles.employee.token, "GET", W(w, "/projects"))).body)).toEqual(["Project A"]);
    const actions = (await auditEntries(w.ws)).map((a) => a.action);
    expect(actions).toEqual(["project.archived", "project.unarchived"]);
  });

  it("refuses foreign-workspace project ids with 404", async () => {
    const w = await roleWorld();
    const t = w.roles.owner.token;
    expect((await api(t, "GET", W(w, `/projects/${w.foreign.project}`))).status).toBe(404);
    expect((await api(t, "PATCH", W(w, `/projects/${w.foreign.project}`), { name: "Mine" })).status).toBe(404);
    expect((await api(t, "GET", W(w, `/projects/${w.foreign.project}/members`))).status).toBe(404);
    expect((await projectRow(w.foreign.project)).name).toBe("Foreign project");
  });

  it("refuses a duplicate project name", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "POST", W(w, "/projects"), { name: "project b" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("name_taken");
  });
});
