/**
 * Clients: the clients the viewer may see (owners/executives all; others the clients of their
 * projects). Owners and executives add, rename, archive and restore them; clients are never
 * deleted because past time refers to them (docs/decisions/0005-archive-not-delete.md).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../../worker/authz/policy";
import { NameSchema } from "../../../worker/contract/common";
import { createClient, listClients, updateClient } from "../../../worker/services/clients";
import { Alert, Badge, Button, Card, DataTable, Field, FormError, PageHeader, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const meta: MetaFunction = () => [{ title: "Clients · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  if (!can(actor, "clients", "read")) throw new Response("Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const includeArchived = search.get("archived") === "1";
  try {
    const page = await listClients(context.ctx, actor, { includeArchived, cursor: search.get("cursor") ?? undefined, limit: 100 });
    return {
      projectsPath: `/w/${actor.workspace.id}/projects`,
      clients: page.items,
      nextCursor: page.nextCursor,
      includeArchived,
      canCreate: can(actor, "clients", "create"),
      canEdit: can(actor, "clients", "update"),
      canArchive: can(actor, "clients", "delete"),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Id = z.string().max(64);
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: NameSchema }),
  z.object({ intent: z.literal("rename"), id: Id, name: NameSchema }),
  z.object({ intent: z.literal("archive"), id: Id }),
  z.object({ intent: z.literal("restore"), id: Id }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "create": {
        const client = await createClient(context.ctx, actor, { name: input.name });
        return { ok: `Client “${client.name}” added.` };
      }
      case "rename": await updateClient(context.ctx, actor, input.id, { name: input.name }); return { ok: "Client renamed." };
      case "archive": await updateClient(context.ctx, actor, input.id, { archived: true }); return { ok: "Client archived." };
      case "restore": await updateClient(context.ctx, actor, input.id, { archived: false }); return { ok: "Client restored." };
    }
  });
}

type ClientRow = ReturnType<typeof useLoaderData<typeof loader>>["clients"][number];

export default function Clients() {
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
        title="Clients"
        description={data.canCreate ? "Whom your projects are for." : "Clients of the projects you work on."}
        actions={<Button variant="ghost" to={data.includeArchived ? "?" : "?archived=1"}>{data.includeArchived ? "Hide archived" : "Show archived"}</Button>}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      {error && <FormError error={error} />}

      {data.canCreate && (
        <Card title="New client">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="create" />
            <Field label="Client name" name="name" required maxLength={120} error={fieldError(error, "name")} />
            <Button type="submit" variant="primary">Add client</Button>
          </Form>
        </Card>
      )}

      <Card title="Clients" flush footer={data.nextCursor ? <Link className="link" to={`?${nextPage}`}>Next page</Link> : undefined}>
        <DataTable
          caption="Clients"
          rows={data.clients}
          empty={data.canCreate ? "No clients yet. Add the first one above." : "None of your projects has a client."}
          columns={[
            {
              key: "name", header: "Name",
              render: (c: ClientRow) => data.canEdit ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="rename" />
                  <input type="hidden" name="id" value={c.id} />
                  <label className="sr-only" htmlFor={`client-name-${c.id}`}>Name of {c.name}</label>
                  <input id={`client-name-${c.id}`} name="name" className="input" defaultValue={c.name} required maxLength={120} />
                  <Button size="sm" variant="secondary" aria-label={`Save name of ${c.name}`}>Save</Button>
                </Form>
              ) : <strong>{c.name}</strong>,
            },
            { key: "status", header: "Status", render: (c: ClientRow) => c.archivedAt ? <Badge>Archived</Badge> : <Badge tone="success">Active</Badge> },
            { key: "projects", header: <span className="sr-only">Projects</span>, render: (c: ClientRow) => <Link className="link" to={`${data.projectsPath}?client=${c.id}`}>Projects</Link> },
            ...(data.canArchive ? [{
              key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
              render: (c: ClientRow) => (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={c.id} />
                  {c.archivedAt
                    ? <Button size="sm" variant="secondary" name="intent" value="restore" aria-label={`Restore ${c.name}`}>Restore</Button>
                    : <Button size="sm" variant="ghost" name="intent" value="archive" aria-label={`Archive ${c.name}`}>Archive</Button>}
                </Form>
              ),
            }] : []),
          ]}
        />
      </Card>
    </Stack>
  );
}
