/**
 * One team: its members (within the viewer's member scope) and who manages it. Owners and
 * executives rename, archive, restore or delete the team and add, promote or remove members; a
 * manager must be an owner, executive or team manager (the service refuses anyone else).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, redirect, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../../worker/authz/policy";
import { NameSchema } from "../../../worker/contract/common";
import { listMembers } from "../../../worker/services/members";
import { deleteTeam, getTeam, removeTeamMember, setTeamMember, updateTeam } from "../../../worker/services/teams";
import {
  Alert, Badge, Button, Card, CheckboxField, DataTable, Field, FormError, Inline, PageHeader, RoleBadge, SelectField, Stack, fieldError, roleLabel,
} from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.team.name ?? "Team"} · Worktrail` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    const team = await getTeam(context.ctx, actor, params.teamId ?? "");
    const canEdit = can(actor, "teams", "update");
    // Candidates for "add member": active members not yet in the team (only fetched for editors).
    const inTeam = new Set(team.members.map((m) => m.memberId));
    const candidates = canEdit
      ? (await listMembers(context.ctx, actor, { status: "active", limit: 200 })).items.filter((m) => !inTeam.has(m.id))
      : [];
    return {
      base: `/w/${actor.workspace.id}/teams`,
      team,
      canEdit,
      canArchive: can(actor, "teams", "delete"),
      candidates: candidates.map((m) => ({ value: m.id, label: `${m.displayName} (${roleLabel(m.role)})` })),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const checkbox = z.literal("on").optional().transform((v) => v === "on");
const Id = z.string().min(1, "Choose a member.").max(64);
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("rename"), name: NameSchema }),
  z.object({ intent: z.literal("archive") }),
  z.object({ intent: z.literal("restore") }),
  z.object({ intent: z.literal("delete") }),
  z.object({ intent: z.literal("add"), memberId: Id, isManager: checkbox }),
  z.object({ intent: z.literal("promote"), memberId: Id }),
  z.object({ intent: z.literal("demote"), memberId: Id }),
  z.object({ intent: z.literal("remove"), memberId: Id }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const teamId = params.teamId ?? "";
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    const ctx = context.ctx;
    switch (input.intent) {
      case "rename": await updateTeam(ctx, actor, teamId, { name: input.name }); return { ok: "Team renamed." };
      case "archive": await updateTeam(ctx, actor, teamId, { archived: true }); return { ok: "Team archived." };
      case "restore": await updateTeam(ctx, actor, teamId, { archived: false }); return { ok: "Team restored." };
      case "delete": {
        await deleteTeam(ctx, actor, teamId);
        throw redirect(`/w/${actor.workspace.id}/teams`);
      }
      case "add": {
        const m = await setTeamMember(ctx, actor, teamId, input.memberId, { isManager: input.isManager });
        return { ok: `${m.displayName} added${m.isManager ? " as a manager" : ""}.` };
      }
      case "promote": await setTeamMember(ctx, actor, teamId, input.memberId, { isManager: true }); return { ok: "Now a manager of this team." };
      case "demote": await setTeamMember(ctx, actor, teamId, input.memberId, { isManager: false }); return { ok: "No longer a manager of this team." };
      case "remove": await removeTeamMember(ctx, actor, teamId, input.memberId); return { ok: "Removed from the team." };
    }
  });
}

type MemberRow = ReturnType<typeof useLoaderData<typeof loader>>["team"]["members"][number];

export default function TeamPage() {
  const { base, team, canEdit, canArchive, candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const ok = actionOk(result);

  return (
    <Stack gap={6}>
      <PageHeader
        title={team.name}
        breadcrumbs={[{ label: "Teams", to: base }, { label: team.name }]}
        description={team.archivedAt ? <Badge>Archived</Badge> : undefined}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      {error && !error.errors?.length && <FormError error={error} />}

      <Card title={`Members (${team.members.length})`} flush>
        <DataTable
          caption="Team members"
          rows={team.members}
          rowKey={(m) => m.memberId}
          empty="No members you can see in this team."
          columns={[
            { key: "name", header: "Name", render: (m: MemberRow) => <strong>{m.displayName}</strong> },
            { key: "role", header: "Workspace role", render: (m: MemberRow) => <RoleBadge role={m.role} /> },
            { key: "manager", header: "Team role", render: (m: MemberRow) => m.isManager ? <Badge tone="accent">Manager</Badge> : <span className="muted">Member</span> },
            ...(canEdit ? [{
              key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
              render: (m: MemberRow) => (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="memberId" value={m.memberId} />
                  {m.isManager
                    ? <Button size="sm" variant="secondary" name="intent" value="demote" aria-label={`Make ${m.displayName} a plain member`}>Make member</Button>
                    : <Button size="sm" variant="secondary" name="intent" value="promote" aria-label={`Make ${m.displayName} a manager`}>Make manager</Button>}
                  <Button size="sm" variant="danger" name="intent" value="remove" aria-label={`Remove ${m.displayName} from the team`}>Remove</Button>
                </Form>
              ),
            }] : []),
          ]}
        />
      </Card>

      {canEdit && (
        <Card title="Add a member" description="Only owners, executive managers and team managers can manage a team.">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="add" />
              <SelectField label="Member" name="memberId" options={candidates} placeholder="Choose a member" required error={fieldError(error, "memberId")} />
              <CheckboxField label="Manages this team" name="isManager" error={fieldError(error, "isManager")} />
              <Inline end><Button type="submit" variant="primary">Add to team</Button></Inline>
            </Stack>
          </Form>
        </Card>
      )}

      {canEdit && (
        <Card title="Team settings">
          <Stack gap={4}>
            <Form method="post" className="form-row">
              <input type="hidden" name="intent" value="rename" />
              <Field label="Team name" name="name" defaultValue={team.name} required maxLength={120} error={fieldError(error, "name")} />
              <Button type="submit">Rename</Button>
            </Form>
            {canArchive && (
              <Form method="post">
                <Inline>
                  {team.archivedAt
                    ? <Button name="intent" value="restore">Restore team</Button>
                    : <Button name="intent" value="archive" variant="ghost">Archive team</Button>}
                  <Button name="intent" value="delete" variant="danger">Delete team</Button>
                </Inline>
                <p className="muted small">Deleting removes the team and its memberships; tracked time is not affected.</p>
              </Form>
            )}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
