import { env } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "../../worker/crypto/password";
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_WORKSPACE_NAME } from "../../worker/dev/demo-data";
import { seedDemo } from "../../worker/dev/seed";
import { auditLog, clients, members, projectMembers, projects, tasks, teamMembers, teams, users, workspaces } from "../../worker/db/schema";
import type { Env } from "../../worker/env";
import { AppError, problemResponse } from "../../worker/http/problem";
import { devRoutes } from "../../worker/routes/dev";
import type { AppEnv } from "../../worker/routes/_shared";
import { createServiceContext } from "../../worker/services/context";
import { ctx } from "../helpers/factory";

const demoEmails = DEMO_PEOPLE.map((p) => p.email);

/** Row counts of every table the seed writes, to prove a second run writes nothing. */
async function counts() {
  const db = ctx().db;
  const n = async (q: Promise<unknown[]>) => (await q).length;
  return {
    users: await n(db.select().from(users)), workspaces: await n(db.select().from(workspaces)),
    members: await n(db.select().from(members)), teams: await n(db.select().from(teams)),
    teamMembers: await n(db.select().from(teamMembers)), clients: await n(db.select().from(clients)),
    projects: await n(db.select().from(projects)), projectMembers: await n(db.select().from(projectMembers)),
    tasks: await n(db.select().from(tasks)), audit: await n(db.select().from(auditLog)),
  };
}

/** devRoutes mounted the way api.ts mounts routers, with app.ts's error rendering. */
function appWith(environment: string) {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => { c.set("ctx", createServiceContext(c.env, c.req.raw)); await next(); });
  app.route("/api/v1", devRoutes);
  app.onError((err) => (err instanceof AppError ? problemResponse(err) : new Response(String(err), { status: 500 })));
  const bindings: Env = { ...env, ENVIRONMENT: environment };
  return (path: string) => app.request(path, { method: "POST" }, bindings);
}

/** Storage is shared by the tests of this file: start each one without a demo. */
async function removeDemo() {
  const db = ctx().db;
  await db.delete(workspaces).where(eq(workspaces.name, DEMO_WORKSPACE_NAME));
  await db.delete(users).where(inArray(users.email, demoEmails));
}

describe("demo seed", () => {
  beforeEach(removeDemo);

  it("creates every role with confirmed logins and the scoped structure", async () => {
    const r = await seedDemo(ctx());
    expect(r.created).toBe(true);
    expect(r.logins.map((l) => l.role).sort()).toEqual(
      ["employee", "employee", "executive", "owner", "project_manager", "project_viewer", "team_manager"],
    );
    const db = ctx().db;
    const people = await db.select().from(users).where(inArray(users.email, demoEmails));
    expect(people).toHaveLength(DEMO_PEOPLE.length);
    for (const u of people) {
      expect(u.emailVerifiedAt).not.toBeNull();
      expect((await verifyPassword(DEMO_PASSWORD, u.passwordHash, env.PASSWORD_PEPPER)).ok).toBe(true);
    }
    // Distinct salts: no two accounts share a hash.
    expect(new Set(people.map((u) => u.passwordHash)).size).toBe(people.length);

    const roster = await db.select({ email: users.email, role: members.role, id: members.id }).from(members)
      .innerJoin(users, eq(users.id, members.userId)).where(eq(members.workspaceId, r.workspace.id));
    const byEmail = new Map(roster.map((m) => [m.email, m]));
    for (const p of DEMO_PEOPLE) expect(byEmail.get(p.email)?.role).toBe(p.role);

    const [engineering] = await db.select().from(teams).where(and(eq(teams.workspaceId, r.workspace.id), eq(teams.name, "Engineering")));
    const engRows = await db.select().from(teamMembers).where(eq(teamMembers.teamId, engineering!.id));
    expect(engRows).toEqual(expect.arrayContaining([
      expect.objectContaining({ memberId: byEmail.get("team.manager@demo.worktrail.test")!.id, isManager: true }),
      expect.objectContaining({ memberId: byEmail.get("employee@demo.worktrail.test")!.id, isManager: false }),
    ]));

    const [site] = await db.select().from(projects).where(and(eq(projects.workspaceId, r.workspace.id), eq(projects.name, "Website relaunch")));
    const siteRoles = await db.select({ memberId: projectMembers.memberId, role: projectMembers.role }).from(projectMembers)
      .where(eq(projectMembers.projectId, site!.id));
    expect(siteRoles).toEqual(expect.arrayContaining([
      { memberId: byEmail.get("project.manager@demo.worktrail.test")!.id, role: "manager" },
      { memberId: byEmail.get("employee@demo.worktrail.test")!.id, role: "member" },
      { memberId: byEmail.get("viewer@demo.worktrail.test")!.id, role: "viewer" },
    ]));
    // The project manager manages exactly one project, so their scope is visibly narrower than the owner's.
    const managed = await db.select().from(projectMembers)
      .where(and(eq(projectMembers.memberId, byEmail.get("project.manager@demo.worktrail.test")!.id), eq(projectMembers.role, "manager")));
    expect(managed).toHaveLength(1);
    expect(await db.select().from(projects).where(eq(projects.workspaceId, r.workspace.id))).toHaveLength(3);
    expect((await db.select().from(tasks).where(eq(tasks.workspaceId, r.workspace.id))).length).toBeGreaterThanOrEqual(3);
    const actions = (await db.select().from(auditLog).where(eq(auditLog.chain, r.workspace.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["workspace.created", "dev.demo_seeded"]));
  });

  it("is idempotent: a second run returns the same logins and writes nothing", async () => {
    const first = await seedDemo(ctx());
    const before = await counts();
    const second = await seedDemo(ctx());
    expect(second.created).toBe(false);
    expect(second.workspace).toEqual(first.workspace);
    expect(second.logins).toEqual(first.logins);
    expect(await counts()).toEqual(before);
  });

  it("refuses with 409 when the demo owner exists without the workspace, and changes nothing", async () => {
    const first = await seedDemo(ctx());
    await ctx().db.delete(workspaces).where(eq(workspaces.id, first.workspace.id));
    const before = await counts();
    await expect(seedDemo(ctx())).rejects.toMatchObject({ status: 409, code: "demo_incomplete" });
    expect(await counts()).toEqual(before);
  });

  it("answers 404 not_found outside development and seeds nothing", async () => {
    const before = await counts();
    const res = await appWith("production")("/api/v1/dev/seed");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "not_found" });
    expect(await counts()).toEqual(before);
  });

  it("seeds over HTTP in development and repeats the answer", async () => {
    const post = appWith("development");
    const a = await post("/api/v1/dev/seed");
    expect(a.status).toBe(200);
    const first = await a.json() as { created: boolean; workspace: { id: string } };
    expect(first.created).toBe(true);
    const b = await post("/api/v1/dev/seed");
    expect(await b.json()).toMatchObject({ created: false, workspace: { id: first.workspace.id } });
  });
});
