/**
 * The live board benchmark's workspace (npm run bench:live, bench/live.mjs), created in one go the
 * way worker/dev/seed.ts creates the demo: accounts and structure written straight to D1. Setup is
 * not what is measured; the benchmark then signs everyone in through the real login and registers
 * every agent's device the real way.
 *
 *   - `agents` tracking members (role employee), spread round-robin over `teams` teams and, two
 *     projects each, over `projects` projects (project role member; every project has `tasks` tasks);
 *   - the owner and `executives` executives (they see everyone);
 *   - per team one team manager (role team_manager, is_manager in the team);
 *   - per project one project manager (role project_manager, project role manager) and one project
 *     viewer (role project_viewer, project role viewer).
 *
 * Bench only: every account shares ONE password hash (same salt), computed once, because hashing
 * hundreds of passwords (PBKDF2, 100,000 iterations) would make setup slow. A real seed must not do
 * that; sign-in still runs the full verification for each account.
 */
import { z } from "zod";
import type { Principal } from "../worker/authz/actor";
import { hashPassword } from "../worker/crypto/password";
import { randomToken } from "../worker/crypto/encoding";
import type { Db } from "../worker/db/client";
import { newId } from "../worker/db/ids";
import { members, projectMembers, projects, tasks, teamMembers, teams, users, type ProjectRole, type Role } from "../worker/db/schema";
import type { ServiceContext } from "../worker/services/context";
import { createWorkspace } from "../worker/services/workspaces";
import { insertChunks, runBatch } from "../worker/db/bulkInsert";

export const LiveSeedRequest = z.strictObject({
  agents: z.number().int().min(1).max(1000),
  teams: z.number().int().min(1).max(100),
  projects: z.number().int().min(2).max(100),
  executives: z.number().int().min(0).max(100),
  tasks: z.number().int().min(0).max(20).default(3),
});
export type LiveSeedRequest = z.input<typeof LiveSeedRequest>;

interface Person { email: string; memberId: string }

export interface LiveSeedResult {
  workspaceId: string;
  password: string;
  owner: Person;
  executives: Person[];
  teams: { id: string; manager: Person; memberIds: string[] }[];
  projects: { id: string; taskIds: string[]; manager: Person; viewer: Person }[];
  agents: (Person & { team: number; projects: [number, number] })[];
}


const pad = (n: number) => String(n + 1).padStart(3, "0");

export async function seedLiveBench(ctx: ServiceContext, input: LiveSeedRequest): Promise<LiveSeedResult> {
  const o = LiveSeedRequest.parse(input);
  const run = randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, "x");
  const password = `bench-live-${randomToken(12)}`;
  const passwordHash = await hashPassword(password, ctx.env.PASSWORD_PEPPER);
  const timeZone = "Europe/Berlin";

  type Account = { key: string; email: string; name: string; role: Role; userId: string; memberId: string };
  const accounts: Account[] = [];
  const account = (key: string, name: string, role: Role): Account => {
    const a = { key, email: `${key}-${run}@bench.worktrail.test`, name, role, userId: newId(), memberId: newId() };
    accounts.push(a);
    return a;
  };
  const owner = account("owner", "Bench Owner", "owner");
  const executives = Array.from({ length: o.executives }, (_, i) => account(`exec${pad(i)}`, `Executive ${pad(i)}`, "executive"));
  const teamManagers = Array.from({ length: o.teams }, (_, i) => account(`tm${pad(i)}`, `Team Manager ${pad(i)}`, "team_manager"));
  const projectManagers = Array.from({ length: o.projects }, (_, i) => account(`pm${pad(i)}`, `Project Manager ${pad(i)}`, "project_manager"));
  const projectViewers = Array.from({ length: o.projects }, (_, i) => account(`pv${pad(i)}`, `Project Viewer ${pad(i)}`, "project_viewer"));
  const agents = Array.from({ length: o.agents }, (_, i) => account(`agent${pad(i)}`, `Agent ${pad(i)}`, "employee"));

  await runBatch(ctx.db, insertChunks(users, accounts.map((a) => ({
    id: a.userId, email: a.email, name: a.name, passwordHash, emailVerifiedAt: ctx.now(), timeZone,
  }))).map((rows) => ctx.db.insert(users).values(rows)));

  const principal: Principal = {
    userId: owner.userId, email: owner.email, name: owner.name, sessionId: "bench-seed", amr: ["pwd"], emailVerified: true, totpEnabled: false,
  };
  const ws = await createWorkspace(ctx, principal, { name: `Live bench ${run}`, timeZone });
  owner.memberId = ws.memberId;

  const teamRows = teamManagers.map((_, i) => ({ id: newId(), workspaceId: ws.id, name: `Team ${pad(i)}` }));
  const projectRows = projectManagers.map((_, i) => ({ id: newId(), workspaceId: ws.id, name: `Project ${pad(i)}` }));
  const taskRows = projectRows.flatMap((p) => Array.from({ length: o.tasks }, (_, t) => ({ id: newId(), workspaceId: ws.id, projectId: p.id, name: `Task ${t + 1}` })));
  // Agent i works in team i mod T and on projects i mod P and (i + 3) mod P (so project switches move people between managers' boards).
  const agentProjects = (i: number): [number, number] => {
    const a = i % o.projects;
    let b = (i + 3) % o.projects;
    if (b === a) b = (a + 1) % o.projects;
    return [a, b];
  };
  const teamMemberRows = [
    ...teamManagers.map((m, i) => ({ teamId: teamRows[i]!.id, memberId: m.memberId, isManager: true })),
    ...agents.map((m, i) => ({ teamId: teamRows[i % o.teams]!.id, memberId: m.memberId, isManager: false })),
  ];
  const projectMemberRows: { projectId: string; memberId: string; role: ProjectRole }[] = [
    ...projectManagers.map((m, i) => ({ projectId: projectRows[i]!.id, memberId: m.memberId, role: "manager" as const })),
    ...projectViewers.map((m, i) => ({ projectId: projectRows[i]!.id, memberId: m.memberId, role: "viewer" as const })),
    ...agents.flatMap((m, i) => agentProjects(i).map((p) => ({ projectId: projectRows[p]!.id, memberId: m.memberId, role: "member" as const }))),
  ];
  const memberRows = accounts.filter((a) => a !== owner).map((a) => ({
    id: a.memberId, workspaceId: ws.id, userId: a.userId, role: a.role, displayName: a.name, timeZone,
  }));
  await runBatch(ctx.db, [
    ...insertChunks(members, memberRows).map((rows) => ctx.db.insert(members).values(rows)),
    ...insertChunks(teams, teamRows).map((rows) => ctx.db.insert(teams).values(rows)),
    ...insertChunks(teamMembers, teamMemberRows).map((rows) => ctx.db.insert(teamMembers).values(rows)),
    ...insertChunks(projects, projectRows).map((rows) => ctx.db.insert(projects).values(rows)),
    ...insertChunks(projectMembers, projectMemberRows).map((rows) => ctx.db.insert(projectMembers).values(rows)),
    ...insertChunks(tasks, taskRows).map((rows) => ctx.db.insert(tasks).values(rows)),
  ]);

  const person = (a: Account): Person => ({ email: a.email, memberId: a.memberId });
  return {
    workspaceId: ws.id,
    password,
    owner: person(owner),
    executives: executives.map(person),
    teams: teamRows.map((t, i) => ({
      id: t.id, manager: person(teamManagers[i]!),
      memberIds: agents.filter((_, a) => a % o.teams === i).map((a) => a.memberId),
    })),
    projects: projectRows.map((p, i) => ({
      id: p.id, taskIds: taskRows.filter((t) => t.projectId === p.id).map((t) => t.id),
      manager: person(projectManagers[i]!), viewer: person(projectViewers[i]!),
    })),
    agents: agents.map((a, i) => ({ ...person(a), team: i % o.teams, projects: agentProjects(i) })),
  };
}
