/**
 * Members and invitations: who is in the workspace (within the viewer's scope), their roles, and for
 * owners/executives the invite form, pending invitations and role / status changes.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { assignableRoles } from "../../../worker/authz/permissions";
import { can } from "../../../worker/authz/policy";
import { EmailSchema, RoleSchema } from "../../../worker/contract/common";
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from "../../../worker/services/invitations";
import { listMembers, updateMember } from "../../../worker/services/members";
import { Alert, Badge, Button, Card, DataTable, FormError, Field, PageHeader, RoleBadge, SelectField, Stack, fieldError, roleLabel } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Members · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const status = new URL(request.url).searchParams.get("status") === "all" ? "all" : "active";
  try {
    const members = await listMembers(context.ctx, actor, { status, limit: 200 });
    const invitations = can(actor, "invitations", "read") ? await listInvitations(context.ctx, actor, "pending") : null;
    return {
      workspaceId: actor.workspace.id,
      me: actor.member.id,
      members: members.items,
      invitations,
      canManage: can(actor, "members", "update"),
      canInvite: can(actor, "invitations", "create"),
      assignable: assignableRoles(actor.member.role),
      status,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: EmailSchema, role: RoleSchema }),
  z.object({ intent: z.literal("resend"), id: z.string().max(64) }),
  z.object({ intent: z.literal("revoke"), id: z.string().max(64) }),
  z.object({ intent: z.literal("role"), id: z.string().max(64), role: RoleSchema }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    const ctx = context.ctx;
    switch (input.intent) {
      case "invite": {
        const inv = await createInvitation(ctx, actor, { email: input.email, role: input.role });
        return { ok: `Invitation sent to ${inv.email}.` };
      }
      case "resend": await resendInvitation(ctx, actor, input.id); return { ok: "Invitation sent again with a new link." };
      case "revoke": await revokeInvitation(ctx, actor, input.id); return { ok: "Invitation revoked." };
      case "role": await updateMember(ctx, actor, input.id, { role: input.role }); return { ok: "Role updated." };
    }
  });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type MemberRow = Loaded["members"][number];

export default function Members() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const [search] = useSearchParams();
  const error = actionError(result);
  const ok = actionOk(result);
  const roleOptions = data.assignable.map((r) => ({ value: r, label: roleLabel(r) }));

  const columns = [
    { key: "name", header: "Name", render: (m: MemberRow) => <Stack gap={1}><Link className="link strong" to={`/w/${data.workspaceId}/members/${m.id}`}>{m.displayName}</Link><span className="muted">{m.email}</span></Stack> },
    { key: "role", header: "Role", render: (m: MemberRow) => <RoleBadge role={m.role} /> },
    { key: "status", header: "Status", render: (m: MemberRow) => <Badge tone={m.status === "active" ? "success" : "neutral"}>{m.status === "active" ? "Active" : "Deactivated"}</Badge> },
    { key: "tz", header: "Time zone", render: (m: MemberRow) => <span className="muted">{m.timeZone}</span> },
    ...(data.canManage ? [{
      key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
      // Deactivate and remove live on the member's page, where the consequences can be explained.
      render: (m: MemberRow) => m.id === data.me ? <span className="muted">You</span> : (
        <>
          {(m.role !== "owner" || data.assignable.includes("owner")) && (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="role" />
              <input type="hidden" name="id" value={m.id} />
              <label className="sr-only" htmlFor={`role-${m.id}`}>Role for {m.displayName}</label>
              <select id={`role-${m.id}`} name="role" defaultValue={m.role} className="select">
                {roleOptions.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
              </select>
              <Button size="sm" variant="secondary" type="submit">Save</Button>
            </Form>
          )}
        </>
      ),
    }] : []),
  ];

  return (
    <Stack gap={6}>
      <PageHeader
        title="Members"
        description={data.canManage ? "Everyone in this workspace, their roles and pending invitations." : "The people you can see in this workspace."}
        actions={<Button variant="ghost" to={search.get("status") === "all" ? "?" : "?status=all"}>{data.status === "all" ? "Active only" : "Include deactivated"}</Button>}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      {error && !error.errors?.length && <FormError error={error} />}

      {data.canInvite && (
        <Card title="Invite a member" description="They get an email with a link that works once and expires in 7 days.">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="invite" />
            <Field label="Email" name="email" type="email" autoComplete="off" required error={fieldError(error, "email")} />
            <SelectField label="Role" name="role" options={roleOptions} defaultValue="employee" error={fieldError(error, "role")} />
            <Button type="submit" variant="primary" disabled={nav.state === "submitting"}>Send invitation</Button>
          </Form>
        </Card>
      )}

      <Card title={`Members (${data.members.length})`} flush>
        <DataTable columns={columns} rows={data.members} rowKey={(m) => m.id} empty="No members match." />
      </Card>

      {data.invitations && (
        <Card title={`Pending invitations (${data.invitations.length})`} flush>
          <DataTable
            rows={data.invitations}
            rowKey={(i) => i.id}
            empty="No pending invitations."
            columns={[
              { key: "email", header: "Email", render: (i) => i.email },
              { key: "role", header: "Role", render: (i) => <RoleBadge role={i.role} /> },
              { key: "expires", header: "Expires", render: (i) => <time dateTime={new Date(i.expiresAt).toISOString()}>{new Date(i.expiresAt).toISOString().slice(0, 10)}</time> },
              { key: "sent", header: "Sent", className: "num", render: (i) => i.sentCount },
              { key: "actions", header: <span className="sr-only">Actions</span>, className: "actions", render: (i) => (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={i.id} />
                  <Button size="sm" variant="secondary" name="intent" value="resend" type="submit">Resend</Button>
                  <Button size="sm" variant="ghost" name="intent" value="revoke" type="submit">Revoke</Button>
                </Form>
              ) },
            ]}
          />
        </Card>
      )}
    </Stack>
  );
}
