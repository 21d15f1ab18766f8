/**
 * Edit one classification rule: the "Add a rule" fields (RuleFields), prefilled, saved through
 * updateRule, which enforces the permission (owners and executive managers), audits the change and
 * bumps the settings version so agents refetch. A rule of another workspace or a malformed id is a
 * 404; a role that may read rules but not change them gets a 403 page (and a 403 on POST from the
 * service). `rules_` keeps this page out of the rules list's layout: it is a sibling, not a child.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, redirect, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireScope } from "../../../worker/authz/policy";
import type { RuleInput, RulePatch } from "../../../worker/services/tracking/fields";
import { getRule, updateRule, type Rule } from "../../../worker/services/tracking/rules";
import { RuleFields } from "../components/settings/RuleFields";
import { SettingsTabs } from "../components/settings/SettingsTabs";
import { settingsLinks } from "../components/settings/styles";
import { Button, Card, FormError, Inline, PageHeader, Stack } from "../components/ui";
import { actionError } from "../lib/forms";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { ruleFieldChoices, visibleStructure } from "../lib/ruleChoices.server";
import { canOpenGeneralSettings } from "../lib/settingsAccess.server";
import { RuleForm, ruleInputFromForm } from "../lib/trackingForms.server";

export const meta: MetaFunction = () => [{ title: "Edit rule · Worktrail" }];
export const links = settingsLinks;
export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    const rule = await getRule(context.ctx, actor, params.ruleId ?? "");
    // Readers can see this rule in the list but not change it: 403, not an empty form.
    requireScope(actor, "rules", "update");
    return {
      workspaceId: actor.workspace.id,
      rule,
      choices: ruleFieldChoices(await visibleStructure(context.ctx, actor), rule),
      showGeneral: canOpenGeneralSettings(actor),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

/**
 * The form posts every field. An empty priority means 0 (the box's hint says so), not "keep". A team
 * or project that did not change is left out of the patch: the service refuses archived ones it is
 * given, and a rule whose project was archived since must stay editable in its other fields.
 */
function patchFromForm(rule: Rule, input: RuleInput): RulePatch {
  const teamId = input.teamId ?? null;
  const projectId = input.projectId ?? null;
  return {
    match: input.match,
    pattern: input.pattern,
    category: input.category,
    priority: input.priority ?? 0,
    ...(teamId === rule.teamId ? {} : { teamId }),
    ...(projectId === rule.projectId ? {} : { projectId }),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    // Looked up first so a foreign or unknown id is a 404 whatever was posted.
    const rule = await getRule(context.ctx, actor, params.ruleId ?? "");
    const input = ruleInputFromForm(await readForm(request, RuleForm));
    await updateRule(context.ctx, actor, rule.id, patchFromForm(rule, input));
    throw redirect(`/w/${actor.workspace.id}/settings/rules`);
  });
}

export default function EditRulePage() {
  const data = useLoaderData<typeof loader>();
  const error = actionError(useActionData<typeof action>());
  const nav = useNavigation();
  const rulesPath = `/w/${data.workspaceId}/settings/rules`;

  return (
    <>
      <PageHeader
        title="Settings"
        breadcrumbs={[{ label: "Rules", to: rulesPath }, { label: `Edit "${data.rule.pattern}"` }]}
        description="Changes reach the desktop apps the next time they fetch their settings."
      />
      <SettingsTabs workspaceId={data.workspaceId} showGeneral={data.showGeneral} />
      <FormError error={error} />
      <Card title="Edit rule" description="The first matching rule wins: team overrides first, then higher priority, then older rules.">
        <Form method="post">
          <Stack>
            <RuleFields choices={data.choices} values={data.rule} error={error} />
            <Inline end>
              <Button to={rulesPath} variant="ghost">Cancel</Button>
              <Button type="submit" variant="primary" disabled={nav.state === "submitting"}>Save rule</Button>
            </Inline>
          </Stack>
        </Form>
      </Card>
    </>
  );
}
