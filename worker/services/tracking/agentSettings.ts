/**
 * What a device downloads before it records anything: the workspace's tracking settings and the
 * classification rules that apply to its member (workspace-wide plus their teams' overrides).
 *
 * The ETag is the settings version (bumped by every settings or rules change) plus a digest of the
 * member's current (unarchived) team ids, because joining or leaving a team, or a team being
 * archived or deleted, changes which overrides apply without changing the version. The version and
 * the team ids are read before the rules: a change racing with this request can then only pair an
 * older tag with newer rules (the agent fetches again next time), never newer tags with older rules
 * (which the agent would keep until the next change).
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { sha256Hex } from "../../crypto/encoding";
import { teamMembers, teams } from "../../db/schema";
import type { ServiceContext } from "../context";
import { ensureWorkspaceKey } from "../screenshots/keys";
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
}

async function memberTeamIds(ctx: ServiceContext, memberId: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: teams.id }).from(teamMembers).innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.memberId, memberId), isNull(teams.archivedAt))).orderBy(asc(teams.id));
  return rows.map((r) => r.id);
}

export async function agentSettings(ctx: ServiceContext, dp: DevicePrincipal): Promise<{ etag: string; body: AgentSettings }> {
  const ws = dp.workspace.id;
  const [teamIds, current] = await Promise.all([memberTeamIds(ctx, dp.member.id), loadSettings(ctx, ws)]);
  const [rules, screenshotPublicKey] = await Promise.all([rulesForMember(ctx, ws, teamIds), ensureWorkspaceKey(ctx, ws)]);
  const { version, updatedAt: _u, ...settings } = current;
  const teamsDigest = (await sha256Hex(teamIds.join(","))).slice(0, 16);
  return {
    etag: `"${version}-${teamsDigest}"`,
    body: {
      workspaceId: ws, memberId: dp.member.id, deviceId: dp.device.id, version, settings,
      rules: rules.map(({ createdAt: _c, ...r }) => ({ ...r, scope: r.teamId === null ? "workspace" : "team" })),
      screenshotPublicKey,
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
