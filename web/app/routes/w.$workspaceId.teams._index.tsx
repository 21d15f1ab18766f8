/**
 * Teams: the teams the viewer may see (owners/executives all; others the teams they belong to),
 * and for owners/executives a create form and archive / restore buttons. The services decide;
 * the loader's booleans only hide controls a role could not use.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../../worker/authz/policy";
import { NameSchema } from "../../../worker/contract/common";
import { createTeam, listTeams, updateTeam } from "../../../worker/services/teams";
import { Alert, Badge, Button, Card, DataTable, Field, FormError, PageHeader, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const meta: MetaFunction = () => [{ title: "Teams · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  // A role without any team permission has no Teams page (ADR 0003: the web hides it entirely).
  if (!can(actor, "teams", "read")) throw new Response("Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const includeArchived = search.get("archived") === "1";
  try {
    const page = await listTeams(context.ctx, actor, { includeArchived, cursor: search.get("cursor") ?? undefined, limit: 100 });
    return {
      base: `/w/${actor.workspace.id}/teams`,
      teams: page.items,
      nextCursor: page.nextCursor,
      includeArchived,
      canCreate: can(actor, "teams", "create"),
      canArchive: can(actor, "teams", "delete"),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: NameSchema }),
  z.object({ intent: z.literal("archive"), id: z.string().max(64) }),
  z.object({ intent: z.literal("restore"), id: z.string().max(64) }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "create": {
        const team = await createTeam(context.ctx, actor, { name: input.name });
        return { ok: `Team “${team.name}” created.` };
      }
      case "archive": await updateTeam(context.ctx, actor, input.id, { archived: true }); return { ok: "Team archived." };
      case "restore": await updateTeam(context.ctx, actor, input.id, { archived: false }); return { ok: "Team restored." };
    }
  });
}

type TeamRow = ReturnType<typeof useLoaderData<typeof loader>>["teams"][number];

export default function Teams() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const error = actionError(result);
  const ok = actionOk(result);
  const nextPage = new URLSearchParams(search);
  if (data.nextCursor) nextPage.set("cursor", data.nextCursor);

  return (
    <Stack gap={6}>
      <PageHeader
        title="Teams"
        description={data.canCreate ? "Group members into teams and choose who manages each." : "The teams you belong to."}
        actions={<Button variant="ghost" to={data.includeArchived ? "?" : "?archived=1"}>{data.includeArchived ? "Hide archived" : "Show archived"}</Button>}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      {error && !error.errors?.length && <FormError error={error} />}

      {data.canCreate && (
        <Card title="New team">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="create" />
            <Field label="Team name" name="name" required maxLength={120} error={fieldError(error, "name")} />
            <Button type="submit" variant="primary">Create team</Button>
          </Form>
        </Card>
      )}

      <Card title="Teams" flush footer={data.nextCursor ? <Link className="link" to={`?${nextPage}`}>Next page</Link> : undefined}>
        <DataTable
          caption="Teams"
          rows={data.teams}
          empty={data.canCreate ? "No teams yet. Create the first one above." : "You are not in any team."}
          columns={[
            { key: "name", header: "Name", render: (t: TeamRow) => <Link className="link" to={`${data.base}/${t.id}`}>{t.name}</Link> },
            { key: "status", header: "Status", render: (t: TeamRow) => t.archivedAt ? <Badge>Archived</Badge> : <Badge tone="success">Active</Badge> },
            ...(data.canArchive ? [{
              key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
              render: (t: TeamRow) => (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={t.id} />
                  {t.archivedAt
                    ? <Button size="sm" variant="secondary" name="intent" value="restore" aria-label={`Restore ${t.name}`}>Restore</Button>
                    : <Button size="sm" variant="ghost" name="intent" value="archive" aria-label={`Archive ${t.name}`}>Archive</Button>}
                </Form>
              ),
            }] : []),
          ]}
        />
      </Card>
    </Stack>
  );
}
