/**
 * Classification rules: label app and site usage productive / neutral / unproductive and optionally
 * assign the time to a project. A rule without a team applies to the whole workspace; a rule with a
 * team is an override for that team's members and is evaluated before the workspace-wide rules.
 * Everyone reads them (their agent applies them); owners and executive managers change them. Each
 * change bumps the tracking settings version in the same batch, so agents fetch the new rules.
 */
import { and, asc, count, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { readScope, requireScope } from "../../authz/policy";
import { classificationRules, projects, teams } from "../../db/schema";
import { newId, UUID_RE } from "../../db/ids";
import { badRequest, conflict, notFound } from "../../http/problem";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import { notFoundField } from "../structureRules";
import { normalizePattern, type RuleInput, type RulePatch } from "./fields";
import { bumpVersion } from "./settings";

/** Keeps what an agent downloads and evaluates per usage span small. */
export const MAX_RULES_PER_WORKSPACE = 500;

const ruleColumns = {
  id: classificationRules.id, teamId: classificationRules.teamId, match: classificationRules.match,
  pattern: classificationRules.pattern, category: classificationRules.category, projectId: classificationRules.projectId,
  priority: classificationRules.priority, createdAt: classificationRules.createdAt,
};
export type Rule = { [K in keyof typeof ruleColumns]: (typeof classificationRules.$inferSelect)[K] };

/** Evaluation order: team overrides first, then higher priority, then older rules. */
const evaluationOrder = [sql`${classificationRules.teamId} is null`, desc(classificationRules.priority), asc(classificationRules.createdAt), asc(classificationRules.id)];

export async function listRules(ctx: ServiceContext, actor: Actor): Promise<Rule[]> {
  readScope(actor, "rules", "rule");
  return ctx.db.select(ruleColumns).from(classificationRules)
    .where(eq(classificationRules.workspaceId, actor.workspace.id)).orderBy(...evaluationOrder);
}

/**
 * The rules a member's agent applies: workspace-wide ones plus the overrides of the (unarchived)
 * teams the member belongs to, in evaluation order (the first matching rule wins).
 */
export async function rulesForMember(ctx: ServiceContext, workspaceId: string, teamIds: string[]): Promise<Rule[]> {
  const teamFilter = teamIds.length
    ? or(isNull(classificationRules.teamId), inArray(classificationRules.teamId, teamIds))
    : isNull(classificationRules.teamId);
  return ctx.db.select(ruleColumns).from(classificationRules)
    .where(and(eq(classificationRules.workspaceId, workspaceId), teamFilter)).orderBy(...evaluationOrder);
}

export async function getRule(ctx: ServiceContext, actor: Actor, ruleId: string): Promise<Rule> {
  readScope(actor, "rules", "rule");
  if (!UUID_RE.test(ruleId)) throw notFound("rule");
  const [rule] = await ctx.db.select(ruleColumns).from(classificationRules)
    .where(and(eq(classificationRules.workspaceId, actor.workspace.id), eq(classificationRules.id, ruleId)));
  if (!rule) throw notFound("rule");
  return rule;
}

/** Team and project ids come from the input: they must belong to this workspace (404 naming the field). */
async function checkReferences(ctx: ServiceContext, actor: Actor, input: { teamId?: string | null; projectId?: string | null }) {
  const ws = actor.workspace.id;
  if (input.teamId) {
    const [t] = await ctx.db.select({ archivedAt: teams.archivedAt }).from(teams).where(and(eq(teams.workspaceId, ws), eq(teams.id, input.teamId)));
    if (!t) throw notFoundField("teamId", "team");
    if (t.archivedAt !== null) throw conflict("team_archived", "This team is archived; restore it before adding rules for it.", [{ field: "teamId", code: "team_archived", message: "The team is archived." }]);
  }
  if (input.projectId) {
    const [p] = await ctx.db.select({ archivedAt: projects.archivedAt }).from(projects).where(and(eq(projects.workspaceId, ws), eq(projects.id, input.projectId)));
    if (!p) throw notFoundField("projectId", "project");
    if (p.archivedAt !== null) throw conflict("project_archived", "This project is archived; time cannot be assigned to it.", [{ field: "projectId", code: "project_archived", message: "The project is archived." }]);
  }
}

const audit = (ctx: ServiceContext, actor: Actor, action: string, ruleId: string, data: Record<string, unknown>) =>
  appendAudit(ctx, { chain: actor.workspace.id, actorUserId: actor.userId, action, targetType: "rule", targetId: ruleId, data });

export async function createRule(ctx: ServiceContext, actor: Actor, input: RuleInput): Promise<Rule> {
  requireScope(actor, "rules", "create");
  const pattern = normalizePattern(input.match, input.pattern);
  await checkReferences(ctx, actor, input);
  const ws = actor.workspace.id;
  const [n] = await ctx.db.select({ n: count() }).from(classificationRules).where(eq(classificationRules.workspaceId, ws));
  if ((n?.n ?? 0) >= MAX_RULES_PER_WORKSPACE) {
    throw conflict("rules_limit_reached", `A workspace can have at most ${MAX_RULES_PER_WORKSPACE} rules. Remove some first.`);
  }
  const rule = {
    id: newId(), workspaceId: ws, teamId: input.teamId ?? null, match: input.match, pattern, category: input.category,
    projectId: input.projectId ?? null, priority: input.priority ?? 0, createdAt: ctx.now(),
  };
  await ctx.db.batch([ctx.db.insert(classificationRules).values(rule), bumpVersion(ctx, ws)]);
  const { workspaceId: _ws, ...created } = rule;
  await audit(ctx, actor, "rule.created", rule.id, { match: rule.match, pattern, category: rule.category, teamId: rule.teamId, projectId: rule.projectId, priority: rule.priority });
  return created;
}

export async function updateRule(ctx: ServiceContext, actor: Actor, ruleId: string, patch: RulePatch): Promise<Rule> {
  const rule = await getRule(ctx, actor, ruleId);
  requireScope(actor, "rules", "update");
  if (!Object.values(patch).some((v) => v !== undefined)) throw badRequest("nothing_to_update", "No fields to update.");
  const match = patch.match ?? rule.match;
  // A new match kind re-checks the stored pattern too (a title pattern is not necessarily a host name).
  const pattern = patch.pattern !== undefined || patch.match !== undefined ? normalizePattern(match, patch.pattern ?? rule.pattern) : rule.pattern;
  await checkReferences(ctx, actor, { teamId: patch.teamId, projectId: patch.projectId });
  const next: Rule = {
    ...rule, match, pattern,
    category: patch.category ?? rule.category,
    teamId: patch.teamId === undefined ? rule.teamId : patch.teamId,
    projectId: patch.projectId === undefined ? rule.projectId : patch.projectId,
    priority: patch.priority ?? rule.priority,
  };
  const changed = (Object.keys(next) as (keyof Rule)[]).filter((k) => next[k] !== rule[k]);
  if (!changed.length) return rule;
  const ws = actor.workspace.id;
  const { id: _id, createdAt: _c, ...set } = next;
  await ctx.db.batch([
    ctx.db.update(classificationRules).set(set).where(and(eq(classificationRules.workspaceId, ws), eq(classificationRules.id, rule.id))),
    bumpVersion(ctx, ws),
  ]);
  await audit(ctx, actor, "rule.updated", rule.id, {
    from: Object.fromEntries(changed.map((k) => [k, rule[k]])), to: Object.fromEntries(changed.map((k) => [k, next[k]])),
  });
  return next;
}

export async function deleteRule(ctx: ServiceContext, actor: Actor, ruleId: string): Promise<void> {
  const rule = await getRule(ctx, actor, ruleId);
  requireScope(actor, "rules", "delete");
  const ws = actor.workspace.id;
  await ctx.db.batch([
    ctx.db.delete(classificationRules).where(and(eq(classificationRules.workspaceId, ws), eq(classificationRules.id, rule.id))),
    bumpVersion(ctx, ws),
  ]);
  await audit(ctx, actor, "rule.deleted", rule.id, { match: rule.match, pattern: rule.pattern, category: rule.category, teamId: rule.teamId });
}
