/**
 * Projects: the projects the viewer may see (owners/executives all; others those they are assigned
 * to, with their project role), optionally filtered by client, and for owners/executives a create
 * form. Details, tasks and members live on the project's own page.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../../worker/authz/policy";
import { NameSchema } from "../../../worker/contract/common";
import type { ProjectRole } from "../../../worker/db/schema";
import { listClients } from "../../../worker/services/clients";
import { createProject, listProjects } from "../../../worker/services/projects";
import { Alert, Badge, Button, Card, CheckboxField, DataTable, Field, FormError, Inline, PageHeader, SelectField, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError } from "../lib/forms";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const meta: MetaFunction = () => [{ title: "Projects · Worktrail" }];

const PROJECT_ROLE_LABELS: Record<ProjectRole, string> = { manager: "Manager", member: "Member", viewer: "Viewer" };

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  if (!can(actor, "projects", "read")) throw new Response("Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const includeArchived = search.get("archived") === "1";
  const clientId = search.get("client") ?? undefined;
  try {
    const page = await listProjects(context.ctx, actor, { includeArchived, clientId, cursor: search.get("cursor") ?? undefined, limit: 100 });
    const canCreate = can(actor, "projects", "create");
    const clients = (await listClients(context.ctx, actor, { limit: 200 })).items;
    return {
      base: `/w/${actor.workspace.id}/projects`,
      projects: page.items,
      nextCursor: page.nextCursor,
      includeArchived,
      clientFilter: clients.find((c) => c.id === clientId)?.name ?? null,
      clients: clients.map((c) => ({ value: c.id, label: c.name })),
      canCreate,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const CreateProject = z.object({
  intent: z.literal("create"),
  name: NameSchema,
  clientId: z.string().max(64).transform((v) => v || null),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #4f46e5."),
  billable: z.literal("on").optional().transform((v) => v === "on"),
});

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const { intent: _intent, ...input } = await readForm(request, CreateProject);
    const project = await createProject(context.ctx, actor, input);
    return { ok: `Project “${project.name}” created.`, id: project.id };
  });
}

type ProjectRow = ReturnType<typeof useLoaderData<typeof loader>>["projects"][number];

export default function Projects() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const error = actionError(result);
  const created = result && "ok" in result ? result : undefined;
  const nextPage = new URLSearchParams(search);
  if (data.nextCursor) nextPage.set("cursor", data.nextCursor);
  const archivedToggle = new URLSearchParams(search);
  archivedToggle.delete("cursor");
  if (data.includeArchived) archivedToggle.delete("archived"); else archivedToggle.set("archived", "1");

  return (
    <Stack gap={6}>
      <PageHeader
        title={data.clientFilter ? `Projects for ${data.clientFilter}` : "Projects"}
        description={data.canCreate ? "Projects, their clients and billing." : "The projects you are assigned to."}
        actions={
          <>
            {data.clientFilter && <Button variant="ghost" to="?">All clients</Button>}
            <Button variant="ghost" to={`?${archivedToggle}`}>{data.includeArchived ? "Hide archived" : "Show archived"}</Button>
          </>
        }
      />
      {created && <Alert tone="success">{created.ok} <Link className="link" to={`${data.base}/${created.id}`}>Open it</Link></Alert>}
      {error && !error.errors?.length && <FormError error={error} />}

      {data.canCreate && (
        <Card title="New project">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="create" />
              <div className="form-row">
                <Field label="Project name" name="name" required maxLength={120} error={fieldError(error, "name")} />
                <SelectField label="Client" name="clientId" options={data.clients} placeholder="No client" optional error={fieldError(error, "clientId")} />
                <Field label="Colour" name="color" type="color" defaultValue="#4f46e5" error={fieldError(error, "color")} />
              </div>
              <CheckboxField label="Billable" name="billable" defaultChecked hint="Time on billable projects counts towards invoices." />
              <Inline end><Button type="submit" variant="primary">Create project</Button></Inline>
            </Stack>
          </Form>
        </Card>
      )}

      <Card title="Projects" flush footer={data.nextCursor ? <Link className="link" to={`?${nextPage}`}>Next page</Link> : undefined}>
        <DataTable
          caption="Projects"
          rows={data.projects}
          empty={data.canCreate ? "No projects yet. Create the first one above." : "You are not assigned to any project."}
          columns={[
            {
              key: "name", header: "Name",
              render: (p: ProjectRow) => (
                <Inline gap={1}>
                  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="3" fill={p.color} /></svg>
                  <Link className="link" to={`${data.base}/${p.id}`}>{p.name}</Link>
                </Inline>
              ),
            },
            { key: "client", header: "Client", render: (p: ProjectRow) => p.clientName ?? <span className="muted">—</span> },
            { key: "billable", header: "Billing", render: (p: ProjectRow) => p.billable ? <Badge tone="info">Billable</Badge> : <span className="muted">Non-billable</span> },
            { key: "role", header: "Your role", render: (p: ProjectRow) => p.myRole ? PROJECT_ROLE_LABELS[p.myRole] : <span className="muted">—</span> },
            { key: "status", header: "Status", render: (p: ProjectRow) => p.archivedAt ? <Badge>Archived</Badge> : <Badge tone="success">Active</Badge> },
          ]}
        />
      </Card>
    </Stack>
  );
}
