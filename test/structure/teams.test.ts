import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { teamMembers, teams } from "../../worker/db/schema";
import { addMember, ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditEntries, names, structureCounts, W } from "./support";

describe("teams", () => {
  it("lists exactly the teams in each role's scope", async () => {
    const w = await roleWorld();
    const list = async (role: keyof typeof w.roles) => api(w.roles[role].token, "GET", W(w, "/teams"));
    expect(names((await list("owner")).body)).toEqual(["Team A", "Team B"]);
    expect(names((await list("executive")).body)).toEqual(["Team A", "Team B"]);
    expect(names((await list("team_manager")).body)).toEqual(["Team A"]);
    expect(names((await list("employee")).body)).toEqual(["Team A"]);
    expect(names((await list("project_manager")).body)).toEqual([]);
    const viewer = await list("project_viewer");
    expect(viewer.status).toBe(403);
    expect(viewer.body.code).toBe("forbidden");
  });

  it("creates, renames, archives, restores and deletes a team, auditing each step", async () => {
    const w = await roleWorld();
    const created = await api(w.roles.executive.token, "POST", W(w, "/teams"), { name: "  Support  " });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Support", archivedAt: null });
    const id: string = created.body.id;

    const renamed = await api(w.roles.owner.token, "PATCH", W(w, `/teams/${id}`), { name: "Customer Support" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Customer Support");

    const archived = await api(w.roles.owner.token, "PATCH", W(w, `/teams/${id}`), { archived: true });
    expect(archived.body.archivedAt).toEqual(expect.any(Number));
    expect(names((await api(w.roles.owner.token, "GET", W(w, "/teams"))).body)).toEqual(["Team A", "Team B"]);
    expect(names((await api(w.roles.owner.token, "GET", W(w, "/teams?includeArchived=true"))).body)).toEqual(["Customer Support", "Team A", "Team B"]);
    // An archived team is still readable by id.
    expect((await api(w.roles.owner.token, "GET", W(w, `/teams/${id}`))).status).toBe(200);

    const restored = await api(w.roles.owner.token, "PATCH", W(w, `/teams/${id}`), { archived: false });
    expect(restored.body.archivedAt).toBeNull();

    expect((await api(w.roles.owner.token, "DELETE", W(w, `/teams/${id}`))).status).toBe(204);
    expect((await api(w.roles.owner.token, "GET", W(w, `/teams/${id}`))).status).toBe(404);
    expect(await ctx().db.select().from(teams).where(eq(teams.id, id))).toEqual([]);

    const actions = (await auditEntries(w.ws)).filter((a) => a.targetId === id).map((a) => a.action);
    expect(actions).toEqual(["team.created", "team.renamed", "team.archived", "team.unarchived", "team.deleted"]);
  });

  it("refuses a name already used in the workspace, ignoring case and including archived teams", async () => {
    const w = await roleWorld();
    const dup = await api(w.roles.owner.token, "POST", W(w, "/teams"), { name: "team a" });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("name_taken");
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: "name", code: "name_taken" })]);

    await api(w.roles.owner.token, "PATCH", W(w, `/teams/${w.teamB}`), { archived: true });
    const rename = await api(w.roles.owner.token, "PATCH", W(w, `/teams/${w.teamA}`), { name: "TEAM B" });
    expect(rename.status).toBe(409);
    expect(rename.body.code).toBe("name_taken");
    const [a] = await ctx().db.select().from(teams).where(eq(teams.id, w.teamA));
    expect(a!.name).toBe("Team A");

    // The same name in another workspace is fine: uniqueness is per workspace.
    expect((await api(w.foreign.owner.token, "POST", W({ ws: w.foreign.ws }, "/teams"), { name: "Team A" })).status).toBe(201);
  });

  it("two concurrent creations of the same name produce exactly one team", async () => {
    const w = await roleWorld();
    const results = await Promise.all([1, 2, 3].map(() => api(w.roles.owner.token, "POST", W(w, "/teams"), { name: "Race" })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const rows = await ctx().db.select().from(teams).where(eq(teams.workspaceId, w.ws));
    expect(rows.filter((t) => t.name === "Race")).toHaveLength(1);
  });

  it("shows team members within the caller's member scope", async () => {
    const w = await roleWorld();
    const ids = (body: { members: { memberId: string }[] }) => body.members.map((m) => m.memberId).sort();
    const both = [w.roles.team_manager.memberId, w.roles.employee.memberId].sort();
    expect(ids((await api(w.roles.owner.token, "GET", W(w, `/teams/${w.teamA}`))).body)).toEqual(both);
    expect(ids((await api(w.roles.team_manager.token, "GET", W(w, `/teams/${w.teamA}`))).body)).toEqual(both);
    // An employee sees their team but, like everywhere else, only themselves among its members.
    expect(ids((await api(w.roles.employee.token, "GET", W(w, `/teams/${w.teamA}`))).body)).toEqual([w.roles.employee.memberId]);
    const detail = await api(w.roles.owner.token, "GET", W(w, `/teams/${w.teamA}`));
    expect(detail.body.members.find((m: { memberId: string }) => m.memberId === w.roles.team_manager.memberId).isManager).toBe(true);
  });

  it("adds members, sets and clears managers, removes members — and audits it", async () => {
    const w = await roleWorld();
    const put = (memberId: string, isManager: boolean) => api(w.roles.owner.token, "PUT", W(w, `/teams/${w.teamB}/members/${memberId}`), { isManager });
    const added = await put(w.roles.team_manager.memberId, true);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ teamId: w.teamB, memberId: w.roles.team_manager.memberId, isManager: true, added: true });
    // Now the team manager's scope includes team B.
    expect(names((await api(w.roles.team_manager.token, "GET", W(w, "/teams"))).body)).toEqual(["Team A", "Team B"]);

    const demoted = await put(w.roles.team_manager.memberId, false);
    expect(demoted.body).toMatchObject({ isManager: false, added: false });
    const again = await put(w.roles.team_manager.memberId, false);
    expect(again.status).toBe(200);

    expect((await api(w.roles.owner.token, "DELETE", W(w, `/teams/${w.teamB}/members/${w.roles.team_manager.memberId}`))).status).toBe(204);
    expect((await api(w.roles.owner.token, "DELETE", W(w, `/teams/${w.teamB}/members/${w.roles.team_manager.memberId}`))).status).toBe(404);
    expect(names((await api(w.roles.team_manager.token, "GET", W(w, "/teams"))).body)).toEqual(["Team A"]);

    const actions = (await auditEntries(w.ws)).map((a) => a.action);
    // The idempotent repeat wrote nothing.
    expect(actions).toEqual(["team.member_added", "team.manager_changed", "team.member_removed"]);
  });

  it("only owners, executives and team managers can manage a team", async () => {
    const w = await roleWorld();
    for (const role of ["employee", "project_manager", "project_viewer"] as const) {
      const r = await api(w.roles.owner.token, "PUT", W(w, `/teams/${w.teamA}/members/${w.roles[role].memberId}`), { isManager: true });
      expect(r.status, role).toBe(409);
      expect(r.body.code).toBe("team_manager_not_allowed");
    }
    // Plain membership is fine for any role.
    expect((await api(w.roles.owner.token, "PUT", W(w, `/teams/${w.teamA}/members/${w.roles.project_viewer.memberId}`), { isManager: false })).status).toBe(200);
    for (const role of ["owner", "executive"] as const) {
      expect((await api(w.roles.owner.token, "PUT", W(w, `/teams/${w.teamB}/members/${w.roles[role].memberId}`), { isManager: true })).status).toBe(200);
    }
  });

  it("refuses foreign-workspace ids with 404 and writes nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const foreignBefore = await structureCounts(w.foreign.ws);
    const t = w.roles.owner.token;
    expect((await api(t, "GET", W(w, `/teams/${w.foreign.team}`))).status).toBe(404);
    expect((await api(t, "PATCH", W(w, `/teams/${w.foreign.team}`), { name: "Mine now" })).status).toBe(404);
    expect((await api(t, "DELETE", W(w, `/teams/${w.foreign.team}`))).status).toBe(404);
    expect((await api(t, "PUT", W(w, `/teams/${w.foreign.team}/members/${w.roles.employee.memberId}`), { isManager: false })).status).toBe(404);
    // A member of another workspace cannot be put into our team.
    const foreignMember = await api(t, "PUT", W(w, `/teams/${w.teamA}/members/${w.foreign.owner.memberId}`), { isManager: false });
    expect(foreignMember.status).toBe(404);
    expect(foreignMember.body).toMatchObject({ code: "not_found", errors: [expect.objectContaining({ field: "memberId" })] });
    expect((await api(t, "DELETE", W(w, `/teams/${w.teamA}/members/${w.foreign.owner.memberId}`))).status).toBe(404);
    // The foreign team is also invisible through the foreign workspace path: not a member there.
    expect((await api(t, "GET", W({ ws: w.foreign.ws }, `/teams/${w.foreign.team}`))).status).toBe(404);
    expect(await structureCounts(w.ws)).toEqual(before);
    expect(await structureCounts(w.foreign.ws)).toEqual(foreignBefore);
    const [ft] = await ctx().db.select().from(teams).where(eq(teams.id, w.foreign.team));
    expect(ft!.name).toBe("Foreign team");
  });

  it("refuses deactivated members", async () => {
    const w = await roleWorld();
    const gone = await addMember(w.ws, "employee");
    await api(w.roles.owner.token, "POST", W(w, `/members/${gone.memberId}/deactivate`));
    const r = await api(w.roles.owner.token, "PUT", W(w, `/teams/${w.teamA}/members/${gone.memberId}`), { isManager: false });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("member_deactivated");
    expect(await ctx().db.select().from(teamMembers).where(eq(teamMembers.memberId, gone.memberId))).toEqual([]);
  });

  it("deleting a team removes its memberships", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.executive.token, "DELETE", W(w, `/teams/${w.teamA}`))).status).toBe(204);
    expect(await ctx().db.select().from(teamMembers).where(eq(teamMembers.teamId, w.teamA))).toEqual([]);
    expect(names((await api(w.roles.team_manager.token, "GET", W(w, "/teams"))).body)).toEqual([]);
  });
});
