/**
 * Seeds the demo workspace described in demo-data.ts. Idempotent: once the demo owner exists the
 * same logins are returned and nothing is written, so `npm start` can call it on every run.
 * Development only (the route refuses otherwise); never reachable in production.
 */
import { and, eq } from "drizzle-orm";
import type { Principal } from "../authz/actor";
import { checkPasswordPolicy, hashPassword } from "../crypto/password";
import { newId } from "../db/ids";
import { clients, members, projectMembers, projects, tasks, teamMembers, teams, users, workspaces, type Role } from "../db/schema";
import { conflict } from "../http/problem";
import { appendAudit } from "../services/audit";
import type { ServiceContext } from "../services/context";
import { createWorkspace } from "../services/workspaces";
import {
  DEMO_CLIENTS, DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_PROJECTS, DEMO_TEAMS, DEMO_TIME_ZONE,
  DEMO_WORKSPACE_NAME, type PersonKey,
} from "./demo-data";

export interface DemoLogin {
  email: string;
  name: string;
  role: Role;
}

export interface DemoSeedResult {
  created: boolean;
  workspace: { id: string; name: string };
  password: string;
  logins: DemoLogin[];
}

const logins = (): DemoLogin[] => DEMO_PEOPLE.map(({ email, name, role }) => ({ email, name, role }));

/** The demo workspace id if the demo owner exists (null: not seeded yet; undefined: owner without workspace). */
async function existingDemo(ctx: ServiceContext): Promise<string | null | undefined> {
  const [owner] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER_EMAIL));
  if (!owner) return null;
  const [ws] = await ctx.db.select({ id: workspaces.id }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.userId, owner.id), eq(members.role, "owner"), eq(workspaces.name, DEMO_WORKSPACE_NAME)))
    .limit(1);
  return ws?.id;
}

function existingResult(workspaceId: string | null | undefined): DemoSeedResult {
  if (!workspaceId) {
    // A previous seed died between creating the accounts and the workspace (or someone deleted it).
    throw conflict("demo_incomplete", "The demo owner exists without the Demo Co workspace. Reset local data (rm -rf .wrangler/state) and start again.");
  }
  return { created: false, workspace: { id: workspaceId, name: DEMO_WORKSPACE_NAME }, password: DEMO_PASSWORD, logins: logins() };
}

export async function seedDemo(ctx: ServiceContext): Promise<DemoSeedResult> {
  const existing = await existingDemo(ctx);
  if (existing !== null) return existingResult(existing);

  const policy = checkPasswordPolicy(DEMO_PASSWORD);
  if (policy) throw new Error(`DEMO_PASSWORD violates the password policy: ${policy.code}`);

  const now = ctx.now();
  const userIds = new Map<PersonKey, string>(DEMO_PEOPLE.map((p) => [p.key, newId()]));
  // One hash per account: a shared hash (same salt) would be a bad example to copy.
  const hashes = await Promise.all(DEMO_PEOPLE.map(() => hashPassword(DEMO_PASSWORD, ctx.env.PASSWORD_PEPPER)));
  try {
    await ctx.db.insert(users).values(DEMO_PEOPLE.map((p, i) => ({
      id: userIds.get(p.key)!, email: p.email, name: p.name, passwordHash: hashes[i]!,
      emailVerifiedAt: now, timeZone: p.timeZone,
    })));
  } catch (err) {
    // A concurrent seed won the unique email index; answer with its result instead of a 500.
    const winner = await existingDemo(ctx);
    if (winner) return existingResult(winner);
    throw err;
  }

  const owner: Principal = {
    userId: userIds.get("owner")!, email: DEMO_OWNER_EMAIL, name: DEMO_PEOPLE[0]!.name,
    sessionId: "dev-seed", amr: ["pwd"], emailVerified: true, totpEnabled: false,
  };
  const ws = await createWorkspace(ctx, owner, { name: DEMO_WORKSPACE_NAME, timeZone: DEMO_TIME_ZONE });
  await ctx.db.batch(structureStatements(ctx, ws.id, ws.memberId, userIds));
  await appendAudit(ctx, {
    chain: ws.id, actorUserId: owner.userId, action: "dev.demo_seeded", targetType: "workspace", targetId: ws.id,
    data: { members: DEMO_PEOPLE.length, teams: DEMO_TEAMS.length, projects: DEMO_PROJECTS.length },
  });
  return { created: true, workspace: { id: ws.id, name: DEMO_WORKSPACE_NAME }, password: DEMO_PASSWORD, logins: logins() };
}

/** Members (other than the owner createWorkspace added), teams, clients, projects and tasks, as one atomic batch. */
function structureStatements(ctx: ServiceContext, workspaceId: string, ownerMemberId: string, userIds: Map<PersonKey, string>) {
  const db = ctx.db;
  const memberIds = new Map<PersonKey, string>([["owner", ownerMemberId]]);
  for (const p of DEMO_PEOPLE) if (!memberIds.has(p.key)) memberIds.set(p.key, newId());
  const member = (k: PersonKey) => memberIds.get(k)!;
  const clientIds = new Map(DEMO_CLIENTS.map((name) => [name, newId()]));

  const teamRows = DEMO_TEAMS.map((t) => ({ id: newId(), workspaceId, name: t.name }));
  const projectRows = DEMO_PROJECTS.map((p) => ({
    id: newId(), workspaceId, name: p.name, color: p.color, billable: p.billable,
    clientId: p.client ? clientIds.get(p.client)! : null,
  }));

  return [
    db.insert(members).values(DEMO_PEOPLE.filter((p) => p.key !== "owner").map((p) => ({
      id: member(p.key), workspaceId, userId: userIds.get(p.key)!, role: p.role, displayName: p.name, timeZone: p.timeZone,
    }))),
    db.insert(teams).values(teamRows),
    db.insert(teamMembers).values(DEMO_TEAMS.flatMap((t, i) => [
      ...t.managers.map((k) => ({ teamId: teamRows[i]!.id, memberId: member(k), isManager: true })),
      ...t.members.map((k) => ({ teamId: teamRows[i]!.id, memberId: member(k), isManager: false })),
    ])),
    db.insert(clients).values([...clientIds].map(([name, id]) => ({ id, workspaceId, name }))),
    db.insert(projects).values(projectRows),
    db.insert(projectMembers).values(DEMO_PROJECTS.flatMap((p, i) =>
      p.people.map(([k, role]) => ({ projectId: projectRows[i]!.id, memberId: member(k), role })))),
    db.insert(tasks).values(DEMO_PROJECTS.flatMap((p, i) =>
      p.tasks.map((name) => ({ id: newId(), workspaceId, projectId: projectRows[i]!.id, name })))),
  ] as const;
}
