/**
 * Workspace settings, General tab: name and time zone (owners, executives), the owner-only privacy
 * and security toggles, ownership transfer and deletion. Each form posts an `intent`; services
 * enforce the rules. The Tracking and Rules tabs are sibling routes (settings.tracking, settings.rules).
 */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../../worker/authz/policy";
import { NameSchema, TimeZoneSchema } from "../../../worker/contract/common";
import { listMembers } from "../../../worker/services/members";
import { deleteWorkspace, getWorkspace, transferOwnership, updateWorkspace } from "../../../worker/services/workspaces";
import { SettingsTabs } from "../components/settings/SettingsTabs";
import { settingsLinks } from "../components/settings/styles";
import { Alert, Button, Card, CheckboxField, Field, FormError, PageHeader, SelectField, Stack, fieldError, roleLabel } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";
import { canOpenGeneralSettings } from "../lib/settingsAccess.server";

export const meta: MetaFunction = () => [{ title: "Settings · Worktrail" }];
export const links = settingsLinks;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  if (!canOpenGeneralSettings(actor)) throw new Response("Not found", { status: 404 });
  try {
    const ws = await getWorkspace(context.ctx, actor);
    const isOwner = can(actor, "owners", "manage");
    const candidates = isOwner
      ? (await listMembers(context.ctx, actor, { status: "active", limit: 200 })).items.filter((m) => m.id !== actor.member.id)
      : [];
    return {
      ws: { id: ws.id, name: ws.name, timeZone: ws.timeZone, require2fa: ws.require2fa, managersSeeScreenshots: ws.managersSeeScreenshots, managersSeeApps: ws.managersSeeApps },
      canEdit: can(actor, "settings", "update"),
      canToggle: can(actor, "privacy_toggles", "update"),
      isOwner,
      canDelete: can(actor, "workspace", "delete"),
      candidates: candidates.map((m) => ({ value: m.id, label: `${m.displayName} (${roleLabel(m.role)})` })),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const checkbox = z.literal("on").optional().transform((v) => v === "on");
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("general"), name: NameSchema, timeZone: TimeZoneSchema }),
  z.object({ intent: z.literal("toggles"), require2fa: checkbox, managersSeeScreenshots: checkbox, managersSeeApps: checkbox }),
  z.object({ intent: z.literal("transfer"), memberId: z.string().min(1, "Choose a member.").max(64), stayOwner: checkbox }),
  z.object({ intent: z.literal("delete"), confirmName: z.string().max(200) }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "general": await updateWorkspace(context.ctx, actor, { name: input.name, timeZone: input.timeZone }); return { ok: "Settings saved." };
      case "toggles": {
        const { intent: _i, ...toggles } = input;
        await updateWorkspace(context.ctx, actor, toggles);
        return { ok: "Privacy and security settings saved." };
      }
      case "transfer": await transferOwnership(context.ctx, actor, { memberId: input.memberId, stayOwner: input.stayOwner }); return { ok: "Ownership transferred." };
      case "delete": {
        await deleteWorkspace(context.ctx, actor, input.confirmName);
        throw redirect("/");
      }
    }
  });
}

const zones = (() => {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return ["UTC"]; }
})();

export default function Settings() {
  const { ws, canEdit, canToggle, isOwner, canDelete, candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const ok = actionOk(result);
  return (
    <Stack gap={6}>
      <PageHeader title="Settings" description="How this workspace works, and what managers may see." />
      <SettingsTabs workspaceId={ws.id} showGeneral />
      {ok && <Alert tone="success">{ok}</Alert>}
      <FormError error={error} />
      {canEdit && (
        <Card title="General">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="general" />
              <Field label="Workspace name" name="name" defaultValue={ws.name} required maxLength={120} error={fieldError(error, "name")} />
              <SelectField label="Time zone" name="timeZone" defaultValue={ws.timeZone} options={zones.map((z) => ({ value: z, label: z }))}
                hint="Used for workspace-wide defaults; each member's days follow their own time zone." error={fieldError(error, "timeZone")} />
              <div><Button type="submit" variant="primary">Save</Button></div>
            </Stack>
          </Form>
        </Card>
      )}
      {canToggle && (
        <Card title="Privacy and security" description="Only owners can change these. Owners always see everything.">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="toggles" />
              <CheckboxField label="Require two-factor authentication for every member" name="require2fa" defaultChecked={ws.require2fa}
                hint="Members without 2FA are asked to set it up before they can open this workspace. Enable 2FA on your own account first." />
              <CheckboxField label="Managers may see screenshots" name="managersSeeScreenshots" defaultChecked={ws.managersSeeScreenshots}
                hint="Executive, team and project managers; off means only owners and the member themselves." />
              <CheckboxField label="Managers may see apps and websites" name="managersSeeApps" defaultChecked={ws.managersSeeApps} />
              <div><Button type="submit" variant="primary">Save</Button></div>
            </Stack>
          </Form>
        </Card>
      )}
      {isOwner && (
        <Card title="Transfer ownership" description="Make another member an owner. Unless you keep ownership, you become an executive manager.">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="transfer" />
              <SelectField label="New owner" name="memberId" placeholder="Choose a member" options={candidates} error={fieldError(error, "memberId")} />
              <CheckboxField label="I stay an owner too" name="stayOwner" />
              <div><Button type="submit" variant="secondary">Transfer</Button></div>
            </Stack>
          </Form>
        </Card>
      )}
      {canDelete && (
        <Card title="Delete workspace" description="Deletes every member link, project, record and screenshot of this workspace. This cannot be undone.">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="delete" />
              <Field label={`Type "${ws.name}" to confirm`} name="confirmName" autoComplete="off" required />
              <div><Button type="submit" variant="danger">Delete workspace</Button></div>
            </Stack>
          </Form>
        </Card>
      )}
    </Stack>
  );
}
