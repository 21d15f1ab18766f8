/**
 * worker/authz/liveScope.ts against the real D1: each role's reaches from the permission table,
 * the privacy toggles, and the batch form used for rescoping (same answers, nulls for people who
 * may no longer look).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { liveScope, liveScopesOf } from "../../worker/authz/liveScope";
import { LiveScope, type LiveReach } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import { members, teamMembers, users, workspaces, type Role } from "../../worker/db/schema";
import { loadActor } from "../../worker/services/actor";
import { addMember, ctx, roleWorld, type RoleWorld } from "../helpers/factory";

const ROLES: Role[] = ["owner", "executive", "team_manager", "project_manager", "employee", "project_viewer"];

async function scopeOfRole(w: RoleWorld, role: Role) {
  const p = w.roles[role];
  const actor = await loadActor(ctx(), { userId: p.userId, email: p.email, name: "x", sessionId: "s", amr: ["pwd"], emailVerified: true, totpEnabled: false }, w.ws);
  return liveScope(ctx().db, actor);
}

const sorted = (...ids: string[]) => [...ids].sort();

describe("liveScope", () => {
  it("gives each role the reaches of its tracking read scopes", async () => {
    const w = await roleWorld();
    const all: LiveReach = { all: true };
    const self = (role: Role): LiveReach => ({ all: false, memberIds: [w.roles[role].memberId], projectIds: [] });
    const team: LiveReach = { all: false, memberIds: sorted(w.roles.team_manager.memberId, w.roles.employee.memberId), projectIds: [] };
    const pm: LiveReach = { all: false, memberIds: [w.roles.project_manager.memberId], projectIds: [w.projectA] };
    const pv: LiveReach = { all: false, memberIds: [w.roles.project_viewer.memberId], projectIds: [w.projectA] };
    const expected: Record<Role, Omit<LiveScope, "viewerMemberId">> = {
      owner: { time: all, activity: all, apps: all, screenshots: all },
      executive: { time: all, activity: all, apps: all, screenshots: all },
      team_manager: { time: team, activity: team, apps: team, screenshots: team },
      project_manager: { time: pm, activity: pm, apps: pm, screenshots: pm },
      employee: { time: self("employee"), activity: self("employee"), apps: self("employee"), screenshots: self("employee") },
      project_viewer: { time: pv, activity: null, apps: null, screenshots: null },
    };
    for (const role of ROLES) {
      const scope = await scopeOfRole(w, role);
      expect(LiveScope.parse(scope), role).toEqual({ viewerMemberId: w.roles[role].memberId, ...expected[role] });
    }
  });

  it("applies the owner's privacy toggles: managers keep only their own apps and screenshots, owners keep all", async () => {
    const w = await roleWorld();
    await ctx().db.update(workspaces).set({ managersSeeApps: false, managersSeeScreenshots: false }).where(eq(workspaces.id, w.ws));
    const tm = (await scopeOfRole(w, "team_manager"))!;
    expect(tm.time).toEqual({ all: false, memberIds: sorted(w.roles.team_manager.memberId, w.roles.employee.memberId), projectIds: [] });
    expect(tm.activity).toEqual(tm.time);
    expect(tm.apps).toEqual({ all: false, memberIds: [w.roles.team_manager.memberId], projectIds: [] });
    expect(tm.screenshots).toEqual(tm.apps);
    const exec = (await scopeOfRole(w, "executive"))!;
    expect(exec.apps).toEqual({ all: false, memberIds: [w.roles.executive.memberId], projectIds: [] });
    expect((await scopeOfRole(w, "owner"))!.apps).toEqual({ all: true });
  });

  it("never reaches into another workspace, even through a team link that crosses it", async () => {
    const w = await roleWorld();
    // A corrupt link: the foreign owner in our team A. Its member row is in the other workspace.
    await ctx().db.insert(teamMembers).values({ teamId: w.teamA, memberId: w.foreign.owner.memberId });
    const tm = (await scopeOfRole(w, "team_manager"))!;
    expect(tm.time).toEqual({ all: false, memberIds: sorted(w.roles.team_manager.memberId, w.roles.employee.memberId), projectIds: [] });
  });

  it("the batch form answers the same for many viewers, and null for anyone who may no longer look", async () => {
    const w = await roleWorld();
    const gone = await addMember(w.ws, "employee");
    await ctx().db.delete(members).where(eq(members.id, gone.memberId));
    const off = await addMember(w.ws, "executive");
    await ctx().db.update(members).set({ status: "deactivated" }).where(eq(members.id, off.memberId));
    const ids = [...ROLES.map((r) => w.roles[r].memberId), w.employee2.memberId, gone.memberId, off.memberId, w.foreign.owner.memberId];
    const batch = await liveScopesOf(ctx().db, w.ws, ids);
    expect([...batch.keys()].sort()).toEqual([...ids].sort());
    for (const role of ROLES) expect(batch.get(w.roles[role].memberId), role).toEqual(await scopeOfRole(w, role));
    for (const id of [gone.memberId, off.memberId, w.foreign.owner.memberId]) expect(batch.get(id)).toBeNull();
  });

  it("a workspace requiring two-factor: members without it get null in the batch (as loadActor refuses them)", async () => {
    const w = await roleWorld();
    await ctx().db.update(workspaces).set({ require2fa: true }).where(eq(workspaces.id, w.ws));
    await ctx().db.update(users).set({ totpEnabledAt: Date.now() }).where(eq(users.id, w.roles.owner.userId));
    const batch = await liveScopesOf(ctx().db, w.ws, [w.roles.owner.memberId, w.roles.executive.memberId]);
    expect(batch.get(w.roles.owner.memberId)).toMatchObject({ time: { all: true } });
    expect(batch.get(w.roles.executive.memberId)).toBeNull();
  });

  it("resolves 150 team managers in one batch (more ids than D1 binds in one statement)", async () => {
    const w = await roleWorld();
    const db = ctx().db;
    const managers = Array.from({ length: 150 }, () => ({ userId: newId(), memberId: newId() }));
    // Straight to D1: 150 people through the factory would take most of the test's time.
    for (const m of managers) {
      await db.batch([
        db.insert(users).values({ id: m.userId, email: `${m.userId}@example.test`, name: "m", passwordHash: "x" }),
        db.insert(members).values({ id: m.memberId, workspaceId: w.ws, userId: m.userId, role: "team_manager", displayName: "m" }),
        db.insert(teamMembers).values({ teamId: w.teamB, memberId: m.memberId, isManager: true }),
      ]);
    }
    const batch = await liveScopesOf(db, w.ws, managers.map((m) => m.memberId));
    expect(batch.size).toBe(150);
    for (const m of managers) {
      // Team B: employee2 and every one of these managers.
      expect(batch.get(m.memberId)?.time).toEqual({ all: false, memberIds: sorted(w.employee2.memberId, ...managers.map((x) => x.memberId)), projectIds: [] });
    }
  });
});
