import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { projectMembers } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditEntries, names, structureCounts, W } from "./support";

async function projectRoleOf(projectId: string, memberId: string) {
  const [row] = await ctx().db.select({ role: projectMembers.role }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.memberId, memberId)));
  return row?.role ?? null;
}

describe("project members", () => {
  it("lists members with project roles, within the caller's member scope", async () => {
    const w = await roleWorld();
    const list = async (role: keyof typeof w.roles) => (await api(w.roles[role].token, "GET", W(w, `/projects/${w.projectA}/members`))).body.items;
    const all = await list("owner");
    expect(all.map((m: { memberId: string; projectRole: string }) => [m.memberId, m.projectRole]).sort()).toEqual([
      [w.roles.project_manager.memberId, "manager"], [w.roles.employee.memberId, "member"], [w.roles.project_viewer.memberId, "viewer"],
    ].sort());
    expect(await list("project_manager")).toHaveLength(3);
    // Employees and viewers see only themselves in any member listing.
    expect((await list("employee")).map((m: { memberId: string }) => m.memberId)).toEqual([w.roles.employee.memberId]);
    expect((await list("project_viewer")).map((m: { memberId: string }) => m.memberId)).toEqual([w.roles.project_viewer.memberId]);
  });

  it("lets the project's manager staff it, which changes who sees the project", async () => {
    const w = await roleWorld();
    const pm = w.roles.project_manager.token;
    const add = await api(pm, "PUT", W(w, `/projects/${w.projectA}/members/${w.employee2.memberId}`), { role: "member" });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ projectId: w.projectA, memberId: w.employee2.memberId, projectRole: "member", workspaceRole: "employee", added: true });
    const change = await api(pm, "PUT", W(w, `/projects/${w.projectA}/members/${w.employee2.memberId}`), { role: "viewer" });
    expect(change.body).toMatchObject({ projectRole: "viewer", added: false });
    expect(await projectRoleOf(w.projectA, w.employee2.memberId)).toBe("viewer");

    expect((await api(pm, "DELETE", W(w, `/projects/${w.projectA}/members/${w.roles.employee.memberId}`))).status).toBe(204);
    expect(names((await api(w.roles.employee.token, "GET", W(w, "/projects"))).body)).toEqual([]);
    expect((await api(w.roles.employee.token, "GET", W(w, `/tasks/${w.taskA}`))).status).toBe(404);
    expect((await api(pm, "DELETE", W(w, `/projects/${w.projectA}/members/${w.roles.employee.memberId}`))).status).toBe(404);

    const audit = (await auditEntries(w.ws)).map((a) => [a.action, a.data]);
    expect(audit).toEqual([
      ["project.member_added", { memberId: w.employee2.memberId, role: "member" }],
      ["project.member_role_changed", { memberId: w.employee2.memberId, role: "viewer", from: "member" }],
      ["project.member_removed", { memberId: w.roles.employee.memberId, role: "member" }],
    ]);
  });

  it("keeps project viewers as viewers", async () => {
    const w = await roleWorld();
    for (const role of ["member", "manager"] as const) {
      const r = await api(w.roles.owner.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles.project_viewer.memberId}`), { role });
      expect(r.status, role).toBe(409);
      expect(r.body).toMatchObject({ code: "project_role_not_allowed", errors: [expect.objectContaining({ field: "role" })] });
    }
    expect(await projectRoleOf(w.projectB, w.roles.project_viewer.memberId)).toBeNull();
    // Promoting an existing viewer assignment is refused too.
    const up = await api(w.roles.owner.token, "PUT", W(w, `/projects/${w.projectA}/members/${w.roles.project_viewer.memberId}`), { role: "member" });
    expect(up.status).toBe(409);
    expect(await projectRoleOf(w.projectA, w.roles.project_viewer.memberId)).toBe("viewer");
    expect((await api(w.roles.owner.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles.project_viewer.memberId}`), { role: "viewer" })).status).toBe(200);
  });

  it("lets only project managers, executives and owners manage a project", async () => {
    const w = await roleWorld();
    for (const role of ["employee", "team_manager"] as const) {
      const r = await api(w.roles.owner.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles[role].memberId}`), { role: "manager" });
      expect(r.status, role).toBe(409);
      expect(r.body.code).toBe("project_role_not_allowed");
    }
    expect(await projectRoleOf(w.projectB, w.roles.employee.memberId)).toBeNull();
    for (const role of ["project_manager", "executive", "owner"] as const) {
      const r = await api(w.roles.owner.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles[role].memberId}`), { role: "manager" });
      expect(r.status, role).toBe(200);
    }
    // The project manager now manages B as well and may staff it.
    expect((await api(w.roles.project_manager.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles.employee.memberId}`), { role: "member" })).status).toBe(200);
  });

  it("refuses members and projects of other workspaces with 404 and writes nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const foreignBefore = await structureCounts(w.foreign.ws);
    const t = w.roles.owner.token;
    const foreignMember = await api(t, "PUT", W(w, `/projects/${w.projectA}/members/${w.foreign.owner.memberId}`), { role: "member" });
    expect(foreignMember.status).toBe(404);
    expect(foreignMember.body.errors).toEqual([expect.objectContaining({ field: "memberId", code: "not_found" })]);
    expect((await api(t, "PUT", W(w, `/projects/${w.foreign.project}/members/${w.roles.employee.memberId}`), { role: "member" })).status).toBe(404);
    expect((await api(t, "DELETE", W(w, `/projects/${w.foreign.project}/members/${w.foreign.owner.memberId}`))).status).toBe(404);
    expect((await api(t, "DELETE", W(w, `/projects/${w.projectA}/members/${w.foreign.owner.memberId}`))).status).toBe(404);
    expect(await structureCounts(w.ws)).toEqual(before);
    expect(await structureCounts(w.foreign.ws)).toEqual(foreignBefore);
  });

  it("does not let a project manager staff a project they only belong to", async () => {
    const w = await roleWorld();
    await ctx().db.insert(projectMembers).values({ projectId: w.projectB, memberId: w.roles.project_manager.memberId, role: "member" });
    const r = await api(w.roles.project_manager.token, "PUT", W(w, `/projects/${w.projectB}/members/${w.roles.employee.memberId}`), { role: "member" });
    expect(r.status).toBe(403);
    expect(await projectRoleOf(w.projectB, w.roles.employee.memberId)).toBeNull();
  });
});
