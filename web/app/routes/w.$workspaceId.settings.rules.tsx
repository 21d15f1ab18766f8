/**
 * Classification rules: how app and site usage is labelled (productive / neutral / unproductive) and
 * optionally which project the time goes to. Workspace-wide rules, and team overrides that the
 * team's members' agents check first. Everyone reads them (their agent applies them); owners and
 * executive managers add and remove them.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import type { Actor } from "../../../worker/authz/actor";
import { can, readScope } from "../../../worker/authz/policy";
import type { ServiceContext } from "../../../worker/services/context";
import { listProjects } from "../../../worker/services/projects";
import { listTeams } from "../../../worker/services/teams";
import { MAX_PATTERN_LENGTH } from "../../../worker/services/tracking/fields";
import { createRule, deleteRule, listRules, rulesForMember, type Rule } from "../../../worker/services/tracking/rules";
import { CATEGORY_LABELS, CATEGORY_TONES, MATCH_LABELS } from "../components/settings/ruleLabels";
import { SettingsTabs } from "../components/settings/SettingsTabs";
import { settingsLinks } from "../components/settings/styles";
import { options } from "../components/settings/trackingLabels";
import { Alert, Badge, Button, Card, DataTable, Field, FormError, Inline, PageHeader, SelectField, Stack, fieldError } from "../components/ui";
import { actionError, actionOk } from "../lib/forms";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { canOpenGeneralSettings } from "../lib/settingsAccess.server";
import { RuleForm, ruleInputFromForm } from "../lib/trackingForms.server";

export const meta: MetaFunction = () => [{ title: "Classification rules · Worktrail" }];
export const links = settingsLinks;
export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

type Named = { id: string; name: string; archivedAt: number | null };

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
async function visibleStructure(ctx: ServiceContext, actor: Actor) {
  const teams = can(actor, "teams", "read")
    ? await everything((cursor) => listTeams(ctx, actor, { includeArchived: true, cursor, limit: 200 }))
    : [];
  const projects = await everything((cursor) => listProjects(ctx, actor, { includeArchived: true, cursor, limit: 200 }));
  return { teams, projects };
}

const TeamFilter = z.string().uuid().optional().catch(undefined);

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    readScope(actor, "rules", "rule");
    const { teams, projects } = await visibleStructure(context.ctx, actor);
    // "Rules for a team's members": the workspace rules plus that team's overrides, in the order agents apply them.
    const team = teams.find((t) => t.id === TeamFilter.parse(new URL(request.url).searchParams.get("team") ?? undefined));
    const rules = team ? await rulesForMember(context.ctx, actor.workspace.id, [team.id]) : await listRules(context.ctx, actor);
    const active = (xs: Named[]) => xs.filter((x) => x.archivedAt === null).map((x) => ({ value: x.id, label: x.name }));
    return {
      workspaceId: actor.workspace.id,
      rules,
      teamNames: Object.fromEntries(teams.map((t) => [t.id, t.name])),
      projectNames: Object.fromEntries(projects.map((p) => [p.id, p.name])),
      teamOptions: active(teams),
      projectOptions: active(projects),
      team: team ? { id: team.id, name: team.name } : null,
      canCreate: can(actor, "rules", "create"),
      canDelete: can(actor, "rules", "delete"),
      showGeneral: canOpenGeneralSettings(actor),
      maxPattern: MAX_PATTERN_LENGTH,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Intent = z.discriminatedUnion("intent", [
  RuleForm.extend({ intent: z.literal("create") }),
  z.object({ intent: z.literal("delete"), id: z.string().max(64) }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "create": {
        const rule = await createRule(context.ctx, actor, ruleInputFromForm(input));
        return { ok: `Rule added: ${MATCH_LABELS[rule.match].toLowerCase()} "${rule.pattern}" is ${CATEGORY_LABELS[rule.category].toLowerCase()}.` };
      }
      case "delete": await deleteRule(context.ctx, actor, input.id); return { ok: "Rule removed." };
    }
  });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

export default function RulesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const error = actionError(result);
  const ok = actionOk(result);
  const e = (field: string) => fieldError(error, field);

  return (
    <>
      <PageHeader
        title="Settings"
        description={data.canCreate
          ? "Label app and website use as productive, neutral or unproductive, for the whole workspace or as an override for one team."
          : "How this workspace labels app and website use. Only owners and executive managers can change the rules."}
      />
      <SettingsTabs workspaceId={data.workspaceId} showGeneral={data.showGeneral} />
      {ok && <Alert tone="success">{ok}</Alert>}
      <FormError error={error} />

      {data.canCreate && (
        <Card title="Add a rule" description="The first matching rule wins: team overrides first, then higher priority, then older rules.">
          <Form method="post" key={data.rules.length}>
            <Stack>
              <input type="hidden" name="intent" value="create" />
              <div className="form-row form-row-top">
                <SelectField label="Match" name="match" options={options(MATCH_LABELS)} defaultValue="app" error={e("match")} />
                <Field label="Pattern" name="pattern" required maxLength={data.maxPattern} autoComplete="off" error={e("pattern")}
                  hint="Compared without regard to case, e.g. Slack, github.com or invoice." />
                <SelectField label="Category" name="category" options={options(CATEGORY_LABELS)} defaultValue="productive" error={e("category")} />
              </div>
              <div className="form-row form-row-top">
                <SelectField label="Applies to" name="teamId" placeholder="Whole workspace" options={data.teamOptions} error={e("teamId")}
                  hint="A team override applies to that team's members and is checked before workspace rules." />
                <SelectField label="Assign time to project" name="projectId" placeholder="No project" options={data.projectOptions} error={e("projectId")} optional />
                <Field label="Priority" name="priority" type="number" inputMode="numeric" step={1} optional error={e("priority")}
                  hint="Higher is checked first; 0 when empty." />
              </div>
              <Inline end><Button type="submit" variant="primary" disabled={nav.state === "submitting"}>Add rule</Button></Inline>
            </Stack>
          </Form>
        </Card>
      )}

      <Card
        title={data.team ? `Rules for ${data.team.name}'s members (${data.rules.length})` : `Rules (${data.rules.length})`}
        description="In the order the desktop app checks them."
        actions={data.teamOptions.length ? <TeamPicker data={data} /> : undefined}
        flush
      >
        <RulesTable data={data} />
      </Card>
    </>
  );
}

/** A GET form (works without JavaScript): the rules one team's members get, overrides included. */
function TeamPicker({ data }: { data: Loaded }) {
  return (
    <Form method="get" className="picker">
      <label className="sr-only" htmlFor="rules-team">Show the rules for</label>
      <select id="rules-team" name="team" defaultValue={data.team?.id ?? ""} className="input select">
        <option value="">All rules</option>
        {data.teamOptions.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
      </select>
      <Button type="submit" size="sm" variant="secondary">Show</Button>
    </Form>
  );
}

function RulesTable({ data }: { data: Loaded }) {
  type Row = Loaded["rules"][number];
  const appliesTo = (r: Row) => r.teamId === null
    ? <span className="muted">Whole workspace</span>
    : <Badge tone="accent">{data.teamNames[r.teamId] ?? "A team"}</Badge>;
  return (
    <DataTable<Row>
      rows={data.rules}
      caption="Classification rules"
      empty="No rules yet: all app and website use counts as neutral."
      columns={[
        { key: "applies", header: "Applies to", render: appliesTo },
        { key: "match", header: "Match", render: (r) => MATCH_LABELS[r.match] },
        { key: "pattern", header: "Pattern", render: (r) => <span className="mono">{r.pattern}</span> },
        { key: "category", header: "Category", render: (r) => <Badge tone={CATEGORY_TONES[r.category]}>{CATEGORY_LABELS[r.category]}</Badge> },
        { key: "project", header: "Project", render: (r) => r.projectId === null ? <span className="muted">None</span> : (data.projectNames[r.projectId] ?? <span className="muted">A project you are not on</span>) },
        { key: "priority", header: "Priority", className: "num", render: (r) => r.priority },
        ...(data.canDelete ? [{
          key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
          render: (r: Row) => (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="id" value={r.id} />
              <Button size="sm" variant="ghost" type="submit" aria-label={`Remove rule ${r.pattern}`}>Remove</Button>
            </Form>
          ),
        }] : []),
      ]}
    />
  );
}
