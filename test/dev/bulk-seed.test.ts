import { env } from "cloudflare:test";
import { and, count, eq, inArray, like } from "drizzle-orm";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../worker/authz/actor";
import { liveScope } from "../../worker/authz/liveScope";
import { verifyPassword } from "../../worker/crypto/password";
import type { SeedTeamResult } from "../../worker/dev/bulkSeed";
import { auditLog, members, projectMembers, projects, teamMembers, teams, users, workspaces } from "../../worker/db/schema";
import type { Env } from "../../worker/env";
import { AppError, problemResponse } from "../../worker/http/problem";
import { devRoutes } from "../../worker/routes/dev";
import type { AppEnv } from "../../worker/routes/_shared";
import { loadActor } from "../../worker/services/actor";
import { createServiceContext } from "../../worker/services/context";
import { workspaceObject } from "../../worker/services/time/object";
import { ctx } from "../helpers/factory";
import { api } from "../helpers/http";

const SEEDED_EMAILS = "%@team.worktrail.test";

/** Rows the seed writes, counted over the whole database (to prove a refused call wrote nothing). */
async function totals() {
  const db = ctx().db;
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  return {
    seededUsers: await n(db.select({ n: count() }).from(users).where(like(users.email, SEEDED_EMAILS))),
    workspaces: await n(db.select({ n: count() }).from(workspaces)),
    members: await n(db.select({ n: count() }).from(members)),
    teams: await n(db.select({ n: count() }).from(teams)),
    projects: await n(db.select({ n: count() }).from(projects)),
  };
}

/** devRoutes mounted the way api.ts mounts routers, with app.ts's error rendering, in another ENVIRONMENT. */
function appIn(environment: string) {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => { c.set("ctx", createServiceContext(c.env, c.req.raw)); await next(); });
  app.route("/api/v1", devRoutes);
  app.onError((err) => (err instanceof AppError ? problemResponse(err) : new Response(String(err), { status: 500 })));
  const bindings: Env = { ...env, ENVIRONMENT: environment };
  return (body: unknown) => app.request("/api/v1/dev/seed-team", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  }, bindings);
}

const seed = (body: unknown) => api<SeedTeamResult>(null, "POST", "/api/v1/dev/seed-team", body);

async function signIn(email: string, password: string): Promise<string> {
  const r = await api(null, "POST", "/api/v1/auth/login", { email, password });
  expect(r.status).toBe(200);
  return r.body.accessToken;
}

/** The Actor the API would build for a seeded login. */
async function actorOf(userEmail: string, workspaceId: string) {
  const [u] = await ctx().db.select().from(users).where(eq(users.email, userEmail));
  const p: Principal = { userId: u!.id, email: u!.email, name: u!.name, sessionId: "test", amr: ["pwd"], emailVerified: true, totpEnabled: false };
  return loadActor(ctx(), p, workspaceId);
}

describe("dev bulk seed (POST /api/v1/dev/seed-team)", () => {
  it("answers 404 not_found in production, even to a valid body, and writes nothing", async () => {
    const before = await totals();
    for (const body of [{ members: 3 }, { members: 5000 }]) {
      const res = await appIn("production")(body);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ code: "not_found" });
    }
    expect(await totals()).toEqual(before);
  });

  it("stays out of the OpenAPI document", async () => {
    const doc = await api(null, "GET", "/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain("/v1/workspaces");
    expect(JSON.stringify(doc.body)).not.toContain("seed-team");
  });

  it("seeds in development too (the same guard as /dev/seed)", async () => {
    const res = await appIn("development")({ members: 2, teams: 1, projects: 1 });
    expect(res.status).toBe(201);
    expect((await res.json() as SeedTeamResult).members).toHaveLength(2);
  });

  it("refuses bad input with 422 and the field, writing nothing", async () => {
    const before = await totals();
    const cases: [unknown, string][] = [
      [{ members: 1001 }, "members"],
      [{ members: 0 }, "members"],
      [{ members: 10, running: 11 }, "running"],
      [{ members: 10, teams: 0 }, "teams"],
      [{ members: 10, timeZone: "Mars/Olympus" }, "timeZone"],
      [{ members: 10, role: "owner" }, "role"],
      [{}, "members"],
    ];
    for (const [body, field] of cases) {
      const r = await api(null, "POST", "/api/v1/dev/seed-team", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_failed" });
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await totals()).toEqual(before);
  });

  it("creates the owner, teams with a manager each, projects and members, all able to sign in", async () => {
    const r = await seed({ members: 40, teams: 4, projects: 3, running: 0, name: "Bulk roster" });
    expect(r.status).toBe(201);
    const s = r.body;
    const db = ctx().db;
    const ws = s.workspace.id;
    expect(s.workspace.name).toBe("Bulk roster");

    const roster = await db.select({ id: members.id, role: members.role, email: users.email, hash: users.passwordHash, verified: users.emailVerifiedAt })
      .from(members).innerJoin(users, eq(users.id, members.userId)).where(eq(members.workspaceId, ws));
    const roles = roster.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.role]: (acc[m.role] ?? 0) + 1 }), {});
    expect(roles).toEqual({ owner: 1, team_manager: 4, employee: 40 });
    expect(roster.find((m) => m.role === "owner")).toMatchObject({ id: s.owner.memberId, email: s.owner.email });
    expect(new Set(roster.filter((m) => m.role === "employee").map((m) => m.id))).toEqual(new Set(s.members.map((m) => m.memberId)));
    expect(roster.every((m) => m.verified !== null)).toBe(true);
    // One shared hash (the point of the bulk seed), and it is a real one for the returned password.
    expect(new Set(roster.map((m) => m.hash)).size).toBe(1);
    expect((await verifyPassword(s.password, roster[0]!.hash, env.PASSWORD_PEPPER)).ok).toBe(true);

    const teamRows = await db.select().from(teams).where(eq(teams.workspaceId, ws));
    expect(teamRows.map((t) => t.id).sort()).toEqual(s.teams.map((t) => t.id).sort());
    for (const t of s.teams) {
      const rows = await db.select().from(teamMembers).where(eq(teamMembers.teamId, t.id));
      expect(rows.filter((x) => x.isManager).map((x) => x.memberId)).toEqual([t.manager.memberId]);
      const expected = s.members.filter((m) => m.teamId === t.id).map((m) => m.memberId).sort();
      expect(expected).toHaveLength(10);
      expect(rows.filter((x) => !x.isManager).map((x) => x.memberId).sort()).toEqual(expected);
    }

    expect((await db.select().from(projects).where(eq(projects.workspaceId, ws))).map((p) => p.id).sort())
      .toEqual(s.projects.map((p) => p.id).sort());
    const staffing = await db.select().from(projectMembers).where(inArray(projectMembers.projectId, s.projects.map((p) => p.id)));
    expect(staffing).toHaveLength(40);
    expect(staffing.every((x) => x.role === "member")).toBe(true);
    expect(new Map(staffing.map((x) => [x.memberId, x.projectId]))).toEqual(new Map(s.members.map((m) => [m.memberId, m.projectId])));

    const audit = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.chain, ws));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["workspace.created", "dev.team_seeded"]));

    // The real sign-in accepts the logins it answers; nobody's timer runs (running: 0).
    const ownerToken = await signIn(s.owner.email, s.password);
    expect((await api(ownerToken, "GET", `/api/v1/workspaces/${ws}`)).body).toMatchObject({ memberCount: 45, myRole: "owner" });
    await signIn(s.teams[0]!.manager.email, s.password);
    const memberToken = await signIn(s.members[7]!.email, s.password);
    expect((await api(memberToken, "GET", `/api/v1/workspaces/${ws}/timer`)).body).toBeNull();
    expect(s.members.some((m) => m.running)).toBe(false);
    expect((await api(null, "POST", "/api/v1/auth/login", { email: s.owner.email, password: `${s.password}x` })).status).toBe(401);
  });

  it("starts the web timers through the time service, so they are on the live board as in production", async () => {
    const r = await seed({ members: 30, teams: 3, projects: 4, running: 24 });
    expect(r.status).toBe(201);
    const s = r.body;
    const ws = s.workspace.id;
    const running = s.members.filter((m) => m.running);
    expect(running.map((m) => m.memberId)).toEqual(s.members.slice(0, 24).map((m) => m.memberId));

    // The owner's board, with the scope the /live route resolves: every running member, on their project.
    const owner = await actorOf(s.owner.email, ws);
    const board = await workspaceObject(ctx(), ws).liveBoard((await liveScope(ctx().db, owner))!);
    expect(board).toHaveLength(24);
    const byMember = new Map(board.map((row) => [row.memberId, row]));
    for (const m of running) {
      expect(byMember.get(m.memberId)).toMatchObject({ status: "tracking", source: "web", projectId: m.projectId, taskId: null });
      expect(byMember.get(m.memberId)!.timerStartedAt).toEqual(expect.any(Number));
    }

    // A team manager's board holds only the running members of their team.
    const team = s.teams[1]!;
    const manager = await actorOf(team.manager.email, ws);
    const managerBoard = await workspaceObject(ctx(), ws).liveBoard((await liveScope(ctx().db, manager))!);
    expect(managerBoard.map((row) => row.memberId).sort()).toEqual(running.filter((m) => m.teamId === team.id).map((m) => m.memberId).sort());

    // The entries are the members' own: the API shows and stops them like any web timer.
    const token = await signIn(running[3]!.email, s.password);
    expect((await api(token, "GET", `/api/v1/workspaces/${ws}/timer`)).body).toMatchObject({
      memberId: running[3]!.memberId, projectId: running[3]!.projectId, source: "web", end: null,
    });
    expect((await api(token, "POST", `/api/v1/workspaces/${ws}/timer/stop`, {})).status).toBe(200);
    const after = await workspaceObject(ctx(), ws).liveBoard((await liveScope(ctx().db, owner))!);
    expect(after.find((row) => row.memberId === running[3]!.memberId)).toMatchObject({ status: "stopped", timerStartedAt: null });

    // Members past `running` have no timer and no row.
    const idle = s.members.find((m) => !m.running)!;
    expect(byMember.has(idle.memberId)).toBe(false);
    expect(await workspaceObject(ctx(), ws).runningEntry(idle.memberId)).toBeNull();
    expect(await workspaceObject(ctx(), ws).runningEntry(running[0]!.memberId)).toMatchObject({ memberId: running[0]!.memberId, source: "web" });
  });

  it("seeds a second team beside the first without clashing", async () => {
    const [a, b] = await Promise.all([seed({ members: 3 }), seed({ members: 3 })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.workspace.id).not.toBe(b.body.workspace.id);
    expect(a.body.owner.email).not.toBe(b.body.owner.email);
    const [row] = await ctx().db.select({ n: count() }).from(members)
      .where(and(inArray(members.workspaceId, [a.body.workspace.id, b.body.workspace.id]), eq(members.role, "employee")));
    expect(row!.n).toBe(6);
  });
});
