/**
 * Classification rules: how app and site usage is labelled (productive / neutral / unproductive) and
 * optionally which project the time goes to. Workspace-wide rules, and team overrides that the
 * team's members' agents check first. Everyone reads them (their agent applies them); owners and
 * executive managers add and remove them here, and edit one on its own page (rules/:ruleId/edit).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { can, readScope } from "../../../worker/authz/policy";
import { createRule, deleteRule, listRules, rulesForMember } from "../../../worker/services/tracking/rules";
import { RuleFields } from "../components/settings/RuleFields";
import { CATEGORY_LABELS, CATEGORY_TONES, MATCH_LABELS } from "../components/settings/ruleLabels";
import { SettingsTabs } from "../components/settings/SettingsTabs";
import { settingsLinks } from "../components/settings/styles";
import { Alert, Badge, Button, Card, DataTable, FormError, Inline, PageHeader, Stack } from "../components/ui";
import { actionError, actionOk } from "../lib/forms";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { ruleFieldChoices, visibleStructure } from "../lib/ruleChoices.server";
import { canOpenGeneralSettings } from "../lib/settingsAccess.server";
import { RuleForm, ruleInputFromForm } from "../lib/trackingForms.server";

export const meta: MetaFunction = () => [{ title: "Classification rules · Worktrail" }];
export const links = settingsLinks;
export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

const TeamFilter = z.string().uuid().optional().catch(undefined);

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    readScope(actor, "rules", "rule");
    const { teams, projects } = await visibleStructure(context.ctx, actor);
    // "Rules for a team's members": the workspace rules plus that team's overrides, in the order agents apply them.
    const team = teams.find((t) => t.id === TeamFilter.parse(new URL(request.url).searchParams.get("team") ?? undefined));
    const rules = team ? await rulesForMember(context.ctx, actor.workspace.id, [team.id]) : await listRules(context.ctx, actor);
    return {
      workspaceId: actor.workspace.id,
      rules,
      teamNames: Object.fromEntries(teams.map((t) => [t.id, t.name])),
      projectNames: Object.fromEntries(projects.map((p) => [p.id, p.name])),
      choices: ruleFieldChoices({ teams, projects }),
      team: team ? { id: team.id, name: team.name } : null,
      canCreate: can(actor, "rules", "create"),
      canUpdate: can(actor, "rules", "update"),
      canDelete: can(actor, "rules", "delete"),
      showGeneral: canOpenGeneralSettings(actor),
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
              <RuleFields choices={data.choices} error={error} />
              <Inline end><Button type="submit" variant="primary" disabled={nav.state === "submitting"}>Add rule</Button></Inline>
            </Stack>
          </Form>
        </Card>
      )}

      <Card
        title={data.team ? `Rules for ${data.team.name}'s members (${data.rules.length})` : `Rules (${data.rules.length})`}
        description="In the order the desktop app checks them."
        actions={data.choices.teamOptions.length ? <TeamPicker data={data} /> : undefined}
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
        {data.choices.teamOptions.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
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
        ...(data.canUpdate || data.canDelete ? [{
          key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
          render: (r: Row) => (
            <>
              {data.canUpdate && (
                <Button size="sm" variant="ghost" to={`/w/${data.workspaceId}/settings/rules/${r.id}/edit`} aria-label={`Edit rule ${r.pattern}`}>Edit</Button>
              )}
              {data.canDelete && (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="id" value={r.id} />
                  <Button size="sm" variant="ghost" type="submit" aria-label={`Remove rule ${r.pattern}`}>Remove</Button>
                </Form>
              )}
            </>
          ),
        }] : []),
      ]}
    />
  );
}
