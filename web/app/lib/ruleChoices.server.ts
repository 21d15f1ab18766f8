/**
 * What the rules pages need to know about teams and projects: names for the list, and the choices
 * of the rule form (add and edit). Only within the actor's own read scope, through the services.
 */
import type { Actor } from "../../../worker/authz/actor";
import { can } from "../../../worker/authz/policy";
import type { ServiceContext } from "../../../worker/services/context";
import { listProjects } from "../../../worker/services/projects";
import { listTeams } from "../../../worker/services/teams";
import { MAX_PATTERN_LENGTH } from "../../../worker/services/tracking/fields";
import type { RuleFieldChoices } from "../components/settings/RuleFields";

export type Named = { id: string; name: string; archivedAt: number | null };

/** Every item of a name-ordered list the actor may see (a handful of pages at most: teams and projects are few). */
async function everything(load: (cursor?: string) => Promise<{ items: Named[]; nextCursor: string | null }>): Promise<Named[]> {
  const all: Named[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await load(cursor);
    all.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return all;
}

/** Teams and projects within the actor's own read scope: a rule naming one outside it shows no name. */
export async function visibleStructure(ctx: ServiceContext, actor: Actor): Promise<{ teams: Named[]; projects: Named[] }> {
  const teams = can(actor, "teams", "read")
    ? await everything((cursor) => listTeams(ctx, actor, { includeArchived: true, cursor, limit: 200 }))
    : [];
  const projects = await everything((cursor) => listProjects(ctx, actor, { includeArchived: true, cursor, limit: 200 }));
  return { teams, projects };
}

/**
 * The form's choices: active teams and projects, plus the one the edited rule already names even if
 * it was archived since, so the select shows the rule's real value instead of silently falling
 * back to "none" (the edit page does not resend an unchanged team or project).
 */
export function ruleFieldChoices(
  { teams, projects }: { teams: Named[]; projects: Named[] },
  keep: { teamId: string | null; projectId: string | null } = { teamId: null, projectId: null },
): RuleFieldChoices {
  const choices = (xs: Named[], kept: string | null) => xs
    .filter((x) => x.archivedAt === null || x.id === kept)
    .map((x) => ({ value: x.id, label: x.archivedAt === null ? x.name : `${x.name} (archived)` }));
  return { teamOptions: choices(teams, keep.teamId), projectOptions: choices(projects, keep.projectId), maxPattern: MAX_PATTERN_LENGTH };
}
