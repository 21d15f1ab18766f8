/**
 * The live board's names directory per role (worker/services/live/directory.ts), and the page's
 * door: every role with a time scope opens it, CSP-safe; a non-member gets 404.
 */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../worker/authz/actor";
import { liveScope } from "../../worker/authz/liveScope";
import { ROLES, type Role } from "../../worker/db/schema";
import { liveColumns, liveDirectory } from "../../worker/services/live/directory";
import { loadActor } from "../../worker/services/actor";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { cspSafe, signedIn } from "../ui/session";

async function actorOf(w: RoleWorld, role: Role): Promise<Actor> {
  const p = w.roles[role];
  return loadActor(ctx(), { userId: p.userId, email: p.email, name: role, sessionId: "s", amr: ["pwd"], emailVerified: true, totpEnabled: false }, w.ws);
}

/** What each role's directory must hold (roleWorld: teamA = TM + employee, projectA = PM, employee, viewer). */
const expected: Record<Role, (w: RoleWorld) => { members: string[]; projects: string[]; teams: string[] }> = {
  owner: (w) => ({ members: [...Object.values(w.roles).map((p) => p.memberId), w.employee2.memberId], projects: [w.projectA, w.projectB], teams: [w.teamA, w.teamB] }),
  executive: (w) => ({ members: [...Object.values(w.roles).map((p) => p.memberId), w.employee2.memberId], projects: [w.projectA, w.projectB], teams: [w.teamA, w.teamB] }),
  team_manager: (w) => ({ members: [w.roles.team_manager.memberId, w.roles.employee.memberId], projects: [w.projectA], teams: [w.teamA] }),
  // Members of the managed project; never project B, where employee2 works.
  project_manager: (w) => ({ members: [w.roles.project_manager.memberId, w.roles.employee.memberId, w.roles.project_viewer.memberId], projects: [w.projectA], teams: [] }),
  employee: (w) => ({ members: [w.roles.employee.memberId], projects: [w.projectA], teams: [w.teamA] }),
  project_viewer: (w) => ({ members: [w.roles.project_manager.memberId, w.roles.employee.memberId, w.roles.project_viewer.memberId], projects: [w.projectA], teams: [] }),
};

const sorted = (a: string[]) => [...a].sort();

describe("liveDirectory", () => {
  it.each(ROLES)("%s gets exactly the members, projects and teams its scope may show", async (role) => {
    const w = await roleWorld();
    const d = await liveDirectory(ctx(), await actorOf(w, role));
    const want = expected[role](w);
    expect(sorted(d.members.map((m) => m.id))).toEqual(sorted(want.members));
    expect(sorted(d.projects.map((p) => p.id))).toEqual(sorted(want.projects));
    expect(sorted(d.teams.map((t) => t.id))).toEqual(sorted(want.teams));
    // Tasks only of those projects; team ids only of those teams; nothing of the foreign workspace.
    const projectIds = new Set(want.projects);
    expect(d.tasks.every((t) => projectIds.has(t.projectId))).toBe(true);
    expect(d.tasks.length).toBe(want.projects.length);
    const teamIds = new Set(want.teams);
    expect(d.members.flatMap((m) => m.teamIds).every((t) => teamIds.has(t))).toBe(true);
    const text = JSON.stringify(d);
    for (const id of [w.foreign.owner.memberId, w.foreign.project, w.foreign.task, w.foreign.team]) expect(text).not.toContain(id);
  });

  it("names members, projects with their client and members' teams", async () => {
    const w = await roleWorld();
    const d = await liveDirectory(ctx(), await actorOf(w, "owner"));
    expect(d.projects.find((p) => p.id === w.projectA)).toEqual({ id: w.projectA, name: "Project A", clientName: "Acme Client" });
    expect(d.tasks.find((t) => t.id === w.taskA)).toEqual({ id: w.taskA, name: "Task A", projectId: w.projectA });
    const employee = d.members.find((m) => m.id === w.roles.employee.memberId);
    expect(employee?.name).toBe(`employee ${w.roles.employee.email}`);
    expect(employee?.teamIds).toEqual([w.teamA]);
    expect(d.members.find((m) => m.id === w.roles.team_manager.memberId)?.teamIds).toEqual([w.teamA]);
  });

  it("renders the activity, apps and screenshot columns only for roles that may ever see them", async () => {
    const w = await roleWorld();
    const columnsOf = async (role: Role) => {
      const scope = await liveScope(ctx().db, await actorOf(w, role));
      if (!scope) throw new Error(`${role} has no live scope`);
      return liveColumns(scope);
    };
    expect(await columnsOf("project_viewer")).toEqual({ activity: false, apps: false, screenshots: false });
    for (const role of ["owner", "team_manager", "project_manager", "employee"] as const) {
      expect(await columnsOf(role), role).toEqual({ activity: true, apps: true, screenshots: true });
    }
  });
});

describe("the Live page", () => {
  it.each(ROLES)("opens for %s without inline styles or scripts without the nonce", async (role) => {
    const w = await roleWorld();
    const b = await signedIn(w.roles[role].userId);
    const res = await b.fetch(`/w/${w.ws}/live`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1 class=\"page-title\">Live</h1>");
    const csp = cspSafe(html, res.headers.get("content-security-policy"));
    expect(csp.inlineStyles).toBe(0);
    expect(csp.scriptsWithoutNonce).toBe(0);
  });

  it("answers 404 to someone from another workspace", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.foreign.owner.userId);
    const res = await b.fetch(`/w/${w.ws}/live`);
    expect(res.status).toBe(404);
  });
});
