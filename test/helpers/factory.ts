/**
 * Test fixtures written straight to the real D1 (no fakes): users, a workspace with one member per
 * role and the structure that gives each role its scope, and a foreign workspace.
 */
import { env } from "cloudflare:test";
import { hashPassword } from "../../worker/crypto/password";
import { clients, members, projectMembers, projects, tasks, teamMembers, teams, users, workspaces, type Role } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { createServiceContext } from "../../worker/services/context";
import { createSession } from "../../worker/services/sessions";

export const PASSWORD = "correct horse battery staple";

export const ctx = () => createServiceContext(env, new Request("http://localhost/"));

let cachedHash: string | undefined;

export async function createUser(opts: { email?: string; name?: string; verified?: boolean; password?: string } = {}) {
  const id = newId();
  const email = (opts.email ?? `u-${id.slice(-12)}@example.test`).toLowerCase();
  const passwordHash = opts.password ? await hashPassword(opts.password, env.PASSWORD_PEPPER) : (cachedHash ??= await hashPassword(PASSWORD, env.PASSWORD_PEPPER));
  await ctx().db.insert(users).values({ id, email, name: opts.name ?? email.split("@")[0]!, passwordHash, emailVerifiedAt: opts.verified === false ? null : Date.now() });
  return { id, email };
}

export async function tokenFor(userId: string, amr = ["pwd"]) {
  return (await createSession(ctx(), userId, "api", amr)).accessToken;
}

export interface Person {
  userId: string;
  email: string;
  memberId: string;
  token: string;
}

export async function addMember(workspaceId: string, role: Role, userOpts: Parameters<typeof createUser>[0] = {}): Promise<Person> {
  const u = await createUser(userOpts);
  const memberId = newId();
  await ctx().db.insert(members).values({ id: memberId, workspaceId, userId: u.id, role, displayName: `${role} ${u.email}` });
  return { userId: u.id, email: u.email, memberId, token: await tokenFor(u.id) };
}

export async function createBareWorkspace(name = "WS") {
  const id = newId();
  await ctx().db.insert(workspaces).values({ id, name });
  return id;
}

/**
 * One workspace with every role:
 * - teamA: managed by team_manager, members employee
 * - teamB: another employee (employee2), not managed by team_manager
 * - projectA (client Acme): managed by project_manager, employee is a member, project_viewer views it
 * - projectB (client Globex): employee2 is a member; project_manager has nothing to do with it
 * - foreign workspace with its own owner, team, client, project, task ("outsider")
 */
export async function roleWorld() {
  const db = ctx().db;
  const ws = await createBareWorkspace("Acme Corp");
  const roles = {
    owner: await addMember(ws, "owner"),
    executive: await addMember(ws, "executive"),
    team_manager: await addMember(ws, "team_manager"),
    project_manager: await addMember(ws, "project_manager"),
    employee: await addMember(ws, "employee"),
    project_viewer: await addMember(ws, "project_viewer"),
  } satisfies Record<Role, Person>;
  const employee2 = await addMember(ws, "employee");
  const teamA = newId(), teamB = newId(), clientA = newId(), clientB = newId(), projectA = newId(), projectB = newId(), taskA = newId(), taskB = newId();
  await db.batch([
    db.insert(teams).values([{ id: teamA, workspaceId: ws, name: "Team A" }, { id: teamB, workspaceId: ws, name: "Team B" }]),
    db.insert(teamMembers).values([
      { teamId: teamA, memberId: roles.team_manager.memberId, isManager: true },
      { teamId: teamA, memberId: roles.employee.memberId },
      { teamId: teamB, memberId: employee2.memberId },
    ]),
    db.insert(clients).values([{ id: clientA, workspaceId: ws, name: "Acme Client" }, { id: clientB, workspaceId: ws, name: "Globex" }]),
    db.insert(projects).values([
      { id: projectA, workspaceId: ws, clientId: clientA, name: "Project A" },
      { id: projectB, workspaceId: ws, clientId: clientB, name: "Project B" },
    ]),
    db.insert(projectMembers).values([
      { projectId: projectA, memberId: roles.project_manager.memberId, role: "manager" },
      { projectId: projectA, memberId: roles.employee.memberId, role: "member" },
      { projectId: projectA, memberId: roles.project_viewer.memberId, role: "viewer" },
      { projectId: projectB, memberId: employee2.memberId, role: "member" },
    ]),
    db.insert(tasks).values([
      { id: taskA, workspaceId: ws, projectId: projectA, name: "Task A" },
      { id: taskB, workspaceId: ws, projectId: projectB, name: "Task B" },
    ]),
  ]);

  const foreignWs = await createBareWorkspace("Other Inc");
  const outsider = await addMember(foreignWs, "owner");
  const fTeam = newId(), fClient = newId(), fProject = newId(), fTask = newId();
  await db.batch([
    db.insert(teams).values({ id: fTeam, workspaceId: foreignWs, name: "Foreign team" }),
    db.insert(clients).values({ id: fClient, workspaceId: foreignWs, name: "Foreign client" }),
    db.insert(projects).values({ id: fProject, workspaceId: foreignWs, clientId: fClient, name: "Foreign project" }),
    db.insert(tasks).values({ id: fTask, workspaceId: foreignWs, projectId: fProject, name: "Foreign task" }),
  ]);

  return {
    ws, roles, employee2, teamA, teamB, clientA, clientB, projectA, projectB, taskA, taskB,
    foreign: { ws: foreignWs, owner: outsider, team: fTeam, client: fClient, project: fProject, task: fTask },
  };
}

export type RoleWorld = Awaited<ReturnType<typeof roleWorld>>;
