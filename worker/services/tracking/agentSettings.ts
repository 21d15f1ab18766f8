/**
 * What a device downloads before it records anything: the workspace's tracking settings, the
 * classification rules that apply to its member (workspace-wide plus their teams' overrides) and the
 * projects and tasks the member may pick for their time.
 *
 * The ETag is the settings version (bumped by every settings or rules change) plus a digest of the
 * member's current (unarchived) team ids and of the project list as sent, because neither changes
 * the version: joining or leaving a team, or a team being archived or deleted, changes which
 * overrides apply; a project or task being created, renamed, archived or completed, a client being
 * renamed, or the member joining or leaving a project changes the list. The version and the team
 * ids are read before the rules: a change racing with this request can then only pair an older tag
 * with newer rules (the agent fetches again next time), never newer tags with older rules (which the
 * agent would keep until the next change). The list is hashed from the very rows sent, so its part
 * of the tag always describes the body.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { sha256Hex } from "../../crypto/encoding";
import { clients, projects, tasks, teamMembers, teams } from "../../db/schema";
import type { ServiceContext } from "../context";
import { ensureWorkspaceKey } from "../screenshots/keys";
import { referencesQuery } from "./agentAuth";
import type { DevicePrincipal } from "./devices";
import { rulesForMember, type Rule } from "./rules";
import { loadSettings, type TrackingSettings } from "./settings";

export interface AgentRule extends Omit<Rule, "createdAt"> {
  /** team: an override for one of the member's teams (evaluated first); workspace: applies to everyone. */
  scope: "team" | "workspace";
}

export interface AgentSettings {
  workspaceId: string;
  memberId: string;
  deviceId: string;
  version: number;
  settings: Omit<TrackingSettings, "version" | "updatedAt">;
  /** In evaluation order: the first rule that matches a usage span decides its category (and project). */
  rules: AgentRule[];
  /** The workspace's HPKE public key (base64, uncompressed P-256): the agent seals screenshots to it. Never changes. */
  screenshotPublicKey: string;
  /** What the member may record time on, for the agent's picker: sorted by name (case-insensitive). */
  projects: AgentProject[];
}

export interface AgentProject {
  id: string;
  name: string;
  clientName: string | null;
  /** The project's open tasks (not archived, not done), sorted by name. */
  tasks: { id: string; name: string }[];
}

async function memberTeamIds(ctx: ServiceContext, memberId: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: teams.id }).from(teamMembers).innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.memberId, memberId), isNull(teams.archivedAt))).orderBy(asc(teams.id));
  return rows.map((r) => r.id);
}

/**
 * The projects a batch from this member may name (referencesQuery, the ingest's own rule: owners and
 * executives every unarchived project, others those they are a member or manager of) with their
 * names, their client's, and their open tasks. A task marked done stays recordable (an agent may
 * still upload time it recorded earlier) but is not offered for new time, as in the web app's picker.
 */
export async function agentProjects(ctx: ServiceContext, workspaceId: string, memberId: string): Promise<AgentProject[]> {
  const refs = referencesQuery(ctx.db, workspaceId, memberId).as("refs");
  // Qualified by hand: drizzle names a subquery's aliased columns bare, and tasks has a project_id too.
  const refProjectId = sql<string>`"refs"."project_id"`, refTaskId = sql<string | null>`"refs"."task_id"`;
  const rows = await ctx.db.select({
    projectId: projects.id, projectName: projects.name, clientName: clients.name, taskId: tasks.id, taskName: tasks.name,
  }).from(refs)
    .innerJoin(projects, eq(projects.id, refProjectId))
    .leftJoin(clients, eq(clients.id, projects.clientId))
    .leftJoin(tasks, and(eq(tasks.id, refTaskId), eq(tasks.status, "open")))
    .orderBy(sql`lower(${projects.name})`, projects.id, sql`lower(${tasks.name})`, tasks.id);
  const list: AgentProject[] = [];
  const byId = new Map<string, AgentProject>();
  for (const r of rows) {
    let p = byId.get(r.projectId);
    if (!p) {
      p = { id: r.projectId, name: r.projectName, clientName: r.clientName, tasks: [] };
      byId.set(p.id, p);
      list.push(p);
    }
    if (r.taskId !== null && r.taskName !== null) p.tasks.push({ id: r.taskId, name: r.taskName });
  }
  return list;
}

export async function agentSettings(ctx: ServiceContext, dp: DevicePrincipal): Promise<{ etag: string; body: AgentSettings }> {
  const ws = dp.workspace.id;
  const [teamIds, current, projectList] = await Promise.all([
    memberTeamIds(ctx, dp.member.id), loadSettings(ctx, ws), agentProjects(ctx, ws, dp.member.id),
  ]);
  const [rules, screenshotPublicKey] = await Promise.all([rulesForMember(ctx, ws, teamIds), ensureWorkspaceKey(ctx, ws)]);
  const { version, updatedAt: _u, ...settings } = current;
  // JSON of arrays of ids and names: no separator inside a name can make two lists hash alike.
  const digest = (await sha256Hex(JSON.stringify([teamIds, projectList]))).slice(0, 16);
  return {
    etag: `"${version}-${digest}"`,
    body: {
      workspaceId: ws, memberId: dp.member.id, deviceId: dp.device.id, version, settings,
      rules: rules.map(({ createdAt: _c, ...r }) => ({ ...r, scope: r.teamId === null ? "workspace" : "team" })),
      screenshotPublicKey,
      projects: projectList,
    },
  };
}

/** RFC 9110 If-None-Match: a list of entity tags or `*`; weak comparison (W/ prefixes ignored). */
export function matchesIfNoneMatch(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => bare(t) === bare(etag));
}
