/**
 * Tracking settings: what the desktop app records (screenshots, apps, sites, titles), idle and manual
 * time, and what is never recorded. Owners and executive managers change them; every other member
 * reads them here in plain words, as the promise of what is recorded about them.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { can } from "../../../worker/authz/policy";
import { getTrackingSettings, updateTrackingSettings } from "../../../worker/services/tracking/settings";
import { SettingsTabs } from "../components/settings/SettingsTabs";
import { settingsLinks } from "../components/settings/styles";
import { TrackingSettingsForm } from "../components/settings/TrackingSettingsForm";
import { TrackingSummary } from "../components/settings/TrackingSummary";
import { Alert, Card, FormError, PageHeader } from "../components/ui";
import { actionError, actionOk } from "../lib/forms";
import { handleAction } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { canOpenGeneralSettings } from "../lib/settingsAccess.server";
import { readTrackingSettingsForm, TRACKING_LIMITS } from "../lib/trackingForms.server";
import { formatInZone } from "../lib/when";

export const meta: MetaFunction = () => [{ title: "Tracking settings · Worktrail" }];
export const links = settingsLinks;
export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    const { updatedAt, ...settings } = await getTrackingSettings(context.ctx, actor);
    return {
      workspaceId: actor.workspace.id,
      settings,
      updated: updatedAt === null ? null : formatInZone(updatedAt, actor.member.timeZone),
      canEdit: can(actor, "tracking_settings", "update"),
      showGeneral: canOpenGeneralSettings(actor),
      limits: TRACKING_LIMITS,
      managersSee: { screenshots: actor.workspace.managersSeeScreenshots, apps: actor.workspace.managersSeeApps },
    };
  } catch (e) {
    throw toResponse(e);
  }
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const patch = await readTrackingSettingsForm(request);
    const before = await getTrackingSettings(context.ctx, actor);
    const after = await updateTrackingSettings(context.ctx, actor, patch);
    return { ok: after.version === before.version ? "Nothing changed." : "Tracking settings saved. Desktop apps pick them up within a few minutes." };
  });
}

export default function TrackingSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const error = actionError(result);
  const ok = actionOk(result);
  const version = data.settings.version === 0 ? "Workspace defaults, never changed." : `Version ${data.settings.version}, changed ${data.updated ?? ""}.`;
  return (
    <>
      <PageHeader
        title="Settings"
        description={data.canEdit
          ? "What the desktop app records for everyone in this workspace. Members can read these settings in plain words."
          : "What the desktop app records about you in this workspace. Only owners and executive managers can change this."}
      />
      <SettingsTabs workspaceId={data.workspaceId} showGeneral={data.showGeneral} />
      {ok && <Alert tone="success">{ok}</Alert>}
      <FormError error={error} />
      {data.canEdit ? (
        <Card title="Tracking" description={version}>
          <TrackingSettingsForm settings={data.settings} limits={data.limits} error={error} submitting={nav.state === "submitting"} />
        </Card>
      ) : (
        <Card title="What is recorded about you" description={version}>
          <TrackingSummary settings={data.settings} managersSee={data.managersSee} />
        </Card>
      )}
    </>
  );
}
