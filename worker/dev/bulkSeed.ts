/**
 * A large team in one go, for browser tests and local load checks (POST /api/v1/dev/seed-team):
 * a workspace whose owner you can sign in as, `members` employees spread round-robin over `teams`
 * teams (each with its own team manager) and over `projects` projects (project role member), and a
 * running web timer for the first `running` of them.
 *
 * Accounts and structure are written straight to D1 the way worker/dev/seed.ts writes the demo and
 * bench/live-seed.ts the benchmark's workspace; setup is not what the callers measure. The timers,
 * however, start through startTimer, the function behind POST /timer/start, with an Actor built for
 * each member, so the Workspace object and its live board receive exactly what production sends.
 *
 * Development only (the route refuses otherwise); never reachable in production.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Actor, Principal } from "../authz/actor";
import { NameSchema, TimeZoneSchema } from "../contract/common";
import { randomToken } from "../crypto/encoding";
import { hashPassword } from "../crypto/password";
import type { Db } from "../db/client";
import { newId } from "../db/ids";
import { members, projectMembers, projects, teamMembers, teams, users, workspaces, type Role } from "../db/schema";
import { validationFailed, zodFieldErrors } from "../http/problem";
import { appendAudit } from "../services/audit";
import type { ServiceContext } from "../services/context";
import { startTimer } from "../services/time/timer";
import { createWorkspace } from "../services/workspaces";
import { insertChunks, runBatch } from "../db/bulkInsert";

export const SeedTeamInput = z.strictObject({
  members: z.number().int().min(1).max(1000),
  teams: z.number().int().min(1).max(100).default(5),
  projects: z.number().int().min(1).max(100).default(5),
  /** How many members (the first ones) get a running web timer; all of them when absent. */
  running: z.number().int().min(0).max(1000).optional(),
  name: NameSchema.optional(),
  timeZone: TimeZoneSchema.default("UTC"),
}).refine((o) => o.running === undefined || o.running <= o.members, {
  path: ["running"], message: "At most as many as members.",
});
export type SeedTeamInput = z.input<typeof SeedTeamInput>;

export interface SeedLogin { email: string; name: string; memberId: string }

export interface SeedTeamResult {
  workspace: { id: string; name: string };
  /** Every account's password (they share it: see sharedPasswordHash). */
  password: string;
  owner: SeedLogin;
  teams: { id: string; name: string; manager: SeedLogin }[];
  projects: { id: string; name: string }[];
  members: (SeedLogin & { teamId: string; projectId: string; running: boolean })[];
}


/** Runs fn over items with at most n in flight. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Timers started at once: enough to overlap the D1 reads of one start with the object call of
 * another, few enough not to queue hundreds of calls at the (single-threaded) Workspace object.
 */
const TIMER_CONCURRENCY = 8;

const pad = (n: number) => String(n + 1).padStart(3, "0");

/**
 * Dev/test seed only: every account of one seed shares ONE password hash (same salt), computed once.
 * The hashing cost (PBKDF2, 100,000 iterations) is the whole point of a password hash, and it is
 * what made seeding hundreds of accounts through sign-up take minutes; a shared salt would be a flaw
 * in real data, where identical passwords must not look identical. Sign-in is unchanged: it runs
 * the full verification against this hash for each account.
 */
function sharedPasswordHash(ctx: ServiceContext, password: string) {
  return hashPassword(password, ctx.env.PASSWORD_PEPPER);
}

export async function seedTeam(ctx: ServiceContext, input: SeedTeamInput): Promise<SeedTeamResult> {
  const parsed = SeedTeamInput.safeParse(input);
  if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error.issues));
  const o = parsed.data;
  const running = o.running ?? o.members;

  // A tag per seed keeps emails (unique in D1) and names apart when a test seeds several teams.
  const run = randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, "x");
  const password = `dev-team-${randomToken(12)}`;
  const passwordHash = await sharedPasswordHash(ctx, password);
  const now = ctx.now();

  type Account = SeedLogin & { userId: string; role: Role };
  const accounts: Account[] = [];
  const account = (key: string, name: string, role: Role): Account => {
    const a = { email: `${key}-${run}@team.worktrail.test`, name, role, userId: newId(), memberId: newId() };
    accounts.push(a);
    return a;
  };
  const owner = account("owner", "Team Owner", "owner");
  const managers = Array.from({ length: o.teams }, (_, i) => account(`manager${pad(i)}`, `Team Manager ${pad(i)}`, "team_manager"));
  const people = Array.from({ length: o.members }, (_, i) => account(`member${pad(i)}`, `Member ${pad(i)}`, "employee"));

  await runBatch(ctx.db, insertChunks(users, accounts.map((a) => ({
    id: a.userId, email: a.email, name: a.name, passwordHash, emailVerifiedAt: now, timeZone: o.timeZone,
  }))).map((rows) => ctx.db.insert(users).values(rows)));

  const principal: Principal = {
    userId: owner.userId, email: owner.email, name: owner.name, sessionId: "dev-seed-team", amr: ["pwd"], emailVerified: true, totpEnabled: false,
  };
  const ws = await createWorkspace(ctx, principal, { name: o.name ?? `Team ${run}`, timeZone: o.timeZone });
  owner.memberId = ws.memberId;

  const teamRows = managers.map((_, i) => ({ id: newId(), workspaceId: ws.id, name: `Team ${pad(i)}` }));
  const projectRows = Array.from({ length: o.projects }, (_, i) => ({ id: newId(), workspaceId: ws.id, name: `Project ${pad(i)}` }));
  // Member i: team i mod T, project i mod P.
  const teamOf = (i: number) => teamRows[i % o.teams]!;
  const projectOf = (i: number) => projectRows[i % o.projects]!;
  await runBatch(ctx.db, [
    ...insertChunks(members, accounts.filter((a) => a !== owner).map((a) => ({
      id: a.memberId, workspaceId: ws.id, userId: a.userId, role: a.role, displayName: a.name, timeZone: o.timeZone,
    }))).map((rows) => ctx.db.insert(members).values(rows)),
    ...insertChunks(teams, teamRows).map((rows) => ctx.db.insert(teams).values(rows)),
    ...insertChunks(teamMembers, [
      ...managers.map((m, i) => ({ teamId: teamRows[i]!.id, memberId: m.memberId, isManager: true })),
      ...people.map((m, i) => ({ teamId: teamOf(i).id, memberId: m.memberId, isManager: false })),
    ]).map((rows) => ctx.db.insert(teamMembers).values(rows)),
    ...insertChunks(projects, projectRows).map((rows) => ctx.db.insert(projects).values(rows)),
    ...insertChunks(projectMembers, people.map((m, i) => ({ projectId: projectOf(i).id, memberId: m.memberId, role: "member" as const })))
      .map((rows) => ctx.db.insert(projectMembers).values(rows)),
  ]);

  await startTimers(ctx, ws.id, people.slice(0, running).map((p, i) => ({ ...p, projectId: projectOf(i).id })), o.timeZone);

  await appendAudit(ctx, {
    chain: ws.id, actorUserId: owner.userId, action: "dev.team_seeded", targetType: "workspace", targetId: ws.id,
    data: { members: o.members, teams: o.teams, projects: o.projects, running },
  });

  const login = ({ email, name, memberId }: Account): SeedLogin => ({ email, name, memberId });
  return {
    workspace: { id: ws.id, name: ws.name },
    password,
    owner: login(owner),
    teams: teamRows.map((t, i) => ({ id: t.id, name: t.name, manager: login(managers[i]!) })),
    projects: projectRows.map(({ id, name }) => ({ id, name })),
    members: people.map((p, i) => ({ ...login(p), teamId: teamOf(i).id, projectId: projectOf(i).id, running: i < running })),
  };
}

/**
 * Each member starts their web timer on their project through the time service, as the member: the
 * Actor is what loadActor would build for them (the workspace row read once instead of per member).
 */
async function startTimers(
  ctx: ServiceContext, workspaceId: string, who: { userId: string; email: string; name: string; memberId: string; projectId: string }[], timeZone: string,
) {
  const [w] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!w) throw new Error(`seed-team: workspace ${workspaceId} vanished`);
  const workspace = {
    id: w.id, name: w.name, require2fa: w.require2fa, managersSeeScreenshots: w.managersSeeScreenshots, managersSeeApps: w.managersSeeApps,
  };
  await pool(who, TIMER_CONCURRENCY, (m) => {
    const actor: Actor = {
      userId: m.userId, email: m.email, name: m.name, sessionId: "dev-seed-team", amr: ["pwd"],
      member: { id: m.memberId, role: "employee", displayName: m.name, timeZone }, workspace,
    };
    return startTimer(ctx, actor, { projectId: m.projectId }, "web");
  });
}
