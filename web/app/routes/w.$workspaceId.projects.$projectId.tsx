/**
 * One project: details, tasks (add, complete / reopen, archive / restore) and members with their
 * project roles. Who may do what follows the permission table: owners and executives everything;
 * the project's managers its name, colour, tasks and members; everyone else on the project reads.
 * The loader's booleans only hide controls; every action goes through the same services as the API.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import type { Actor } from "../../../worker/authz/actor";
import type { Resource } from "../../../worker/authz/permissions";
import { can, scopeOf } from "../../../worker/authz/policy";
import { NameSchema } from "../../../worker/contract/common";
import { AppError } from "../../../worker/http/problem";
import { PROJECT_ROLES, type ProjectRole } from "../../../worker/db/schema";
import { listClients } from "../../../worker/services/clients";
import { listMembers } from "../../../worker/services/members";
import { listProjectMembers, removeProjectMember, setProjectMember } from "../../../worker/services/projectMembers";
import { getProject, updateProject } from "../../../worker/services/projects";
import { createTask, listProjectTasks, updateTask } from "../../../worker/services/tasks";
import {
  Alert, Badge, Button, Card, CheckboxField, DataTable, Field, FormError, Inline, PageHeader, RoleBadge, SelectField, Stack, fieldError, roleLabel,
} from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.project.name ?? "Project"} · Worktrail` }];

const PROJECT_ROLE_LABELS: Record<ProjectRole, string> = { manager: "Manager", member: "Member", viewer: "Viewer" };
// Listed here rather than imported from the schema so the browser bundle does not pull in drizzle.
const projectRoleOptions = (["member", "manager", "viewer"] as const satisfies readonly ProjectRole[]).map((r) => ({ value: r, label: PROJECT_ROLE_LABELS[r] }));

/** The service names the task's field "name"; this page's task form calls it "taskName". */
function renameField(e: unknown, from: string, to: string): unknown {
  if (!(e instanceof AppError) || !e.errors) return e;
  return new AppError(e.status, e.code, e.detail, e.errors.map((f) => (f.field === from ? { ...f, field: to } : f)), e.headers);
}

/** Whether the actor may `action` `resource` inside this project: workspace-wide, or as one of its managers. */
function mayInProject(actor: Actor, resource: Resource, action: "create" | "update" | "delete", myRole: ProjectRole | null) {
  const scope = scopeOf(actor, resource, action);
  return scope === "all" || (scope === "project" && myRole === "manager");
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const search = new URL(request.url).searchParams;
  const includeArchived = search.get("archived") === "1";
  try {
    const ctx = context.ctx;
    const project = await getProject(ctx, actor, params.projectId ?? "");
    const canStaff = mayInProject(actor, "project_members", "update", project.myRole);
    const canEditAll = scopeOf(actor, "projects", "update") === "all";
    const tasks = await listProjectTasks(ctx, actor, project.id, { includeArchived, cursor: search.get("tasks") ?? undefined, limit: 200 });
    const members = await listProjectMembers(ctx, actor, project.id);
    const onProject = new Set(members.map((m) => m.memberId));
    const candidates = canStaff ? (await listMembers(ctx, actor, { status: "active", limit: 200 })).items.filter((m) => !onProject.has(m.id)) : [];
    const clients = canEditAll ? (await listClients(ctx, actor, { limit: 200 })).items.map((c) => ({ value: c.id, label: c.name })) : [];
    // An archived current client is not in the active list; keep it selectable so saving keeps it.
    if (canEditAll && project.clientId && !clients.some((c) => c.value === project.clientId)) {
      clients.push({ value: project.clientId, label: `${project.clientName ?? "Current client"} (archived)` });
    }
    return {
      base: `/w/${actor.workspace.id}/projects`,
      project,
      tasks: tasks.items,
      nextTasks: tasks.nextCursor,
      includeArchived,
      members,
      candidates: candidates.map((m) => ({ value: m.id, label: `${m.displayName} (${roleLabel(m.role)})` })),
      clients,
      canEdit: mayInProject(actor, "projects", "update", project.myRole),
      canEditAll,
      canArchive: can(actor, "projects", "delete"),
      canAddTasks: mayInProject(actor, "tasks", "create", project.myRole) && project.archivedAt === null,
      canEditTasks: mayInProject(actor, "tasks", "update", project.myRole),
      canArchiveTasks: mayInProject(actor, "tasks", "delete", project.myRole),
      canStaff,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Id = z.string().min(1, "Choose one.").max(64);
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("details"), name: NameSchema, color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #4f46e5.") }),
  z.object({
    intent: z.literal("billing"),
    clientId: z.string().max(64).transform((v) => v || null),
    billable: z.literal("on").optional().transform((v) => v === "on"),
  }),
  z.object({ intent: z.literal("archive") }),
  z.object({ intent: z.literal("restore") }),
  // Named apart from the project's own "name" so each form shows its own field errors.
  z.object({ intent: z.literal("addTask"), taskName: NameSchema }),
  z.object({ intent: z.enum(["taskDone", "taskOpen", "taskArchive", "taskRestore"]), taskId: Id }),
  z.object({ intent: z.literal("setMember"), memberId: Id, role: z.enum(PROJECT_ROLES) }),
  z.object({ intent: z.literal("removeMember"), memberId: Id }),
]);

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const projectId = params.projectId ?? "";
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    const ctx = context.ctx;
    switch (input.intent) {
      case "details": await updateProject(ctx, actor, projectId, { name: input.name, color: input.color }); return { ok: "Project saved." };
      case "billing": await updateProject(ctx, actor, projectId, { clientId: input.clientId, billable: input.billable }); return { ok: "Client and billing saved." };
      case "archive": await updateProject(ctx, actor, projectId, { archived: true }); return { ok: "Project archived." };
      case "restore": await updateProject(ctx, actor, projectId, { archived: false }); return { ok: "Project restored." };
      case "addTask": {
        const task = await createTask(ctx, actor, projectId, { name: input.taskName }).catch((e: unknown) => { throw renameField(e, "name", "taskName"); });
        return { ok: `Task “${task.name}” added.` };
      }
      case "taskDone": await updateTask(ctx, actor, input.taskId, { status: "done" }); return { ok: "Task completed." };
      case "taskOpen": await updateTask(ctx, actor, input.taskId, { status: "open" }); return { ok: "Task reopened." };
      case "taskArchive": await updateTask(ctx, actor, input.taskId, { archived: true }); return { ok: "Task archived." };
      case "taskRestore": await updateTask(ctx, actor, input.taskId, { archived: false }); return { ok: "Task restored." };
      case "setMember": {
        const m = await setProjectMember(ctx, actor, projectId, input.memberId, { role: input.role });
        return { ok: `${m.displayName} is now a project ${PROJECT_ROLE_LABELS[m.projectRole].toLowerCase()}.` };
      }
      case "removeMember": await removeProjectMember(ctx, actor, projectId, input.memberId); return { ok: "Removed from the project." };
    }
  });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type TaskRow = Loaded["tasks"][number];
type MemberRow = Loaded["members"][number];

export default function ProjectPage() {
  const data = useLoaderData<typeof loader>();
  const { project } = data;
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const error = actionError(result);
  const ok = actionOk(result);
  const nextTasks = new URLSearchParams(search);
  if (data.nextTasks) nextTasks.set("tasks", data.nextTasks);

  const taskColumns = [
    { key: "name", header: "Task", render: (t: TaskRow) => t.status === "done" ? <span className="muted">{t.name}</span> : <strong>{t.name}</strong> },
    {
      key: "status", header: "Status",
      render: (t: TaskRow) => t.archivedAt ? <Badge>Archived</Badge> : t.status === "done" ? <Badge tone="success">Done</Badge> : <Badge tone="info">Open</Badge>,
    },
    ...(data.canEditTasks ? [{
      key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
      render: (t: TaskRow) => (
        <Form method="post" className="inline-form">
          <input type="hidden" name="taskId" value={t.id} />
          {!t.archivedAt && (t.status === "open"
            ? <Button size="sm" variant="secondary" name="intent" value="taskDone" aria-label={`Complete ${t.name}`}>Complete</Button>
            : <Button size="sm" variant="secondary" name="intent" value="taskOpen" aria-label={`Reopen ${t.name}`}>Reopen</Button>)}
          {data.canArchiveTasks && (t.archivedAt
            ? <Button size="sm" variant="secondary" name="intent" value="taskRestore" aria-label={`Restore ${t.name}`}>Restore</Button>
            : <Button size="sm" variant="ghost" name="intent" value="taskArchive" aria-label={`Archive ${t.name}`}>Archive</Button>)}
        </Form>
      ),
    }] : []),
  ];

  const memberColumns = [
    { key: "name", header: "Name", render: (m: MemberRow) => <strong>{m.displayName}</strong> },
    { key: "workspaceRole", header: "Workspace role", render: (m: MemberRow) => <RoleBadge role={m.workspaceRole} /> },
    {
      key: "projectRole", header: "Project role",
      render: (m: MemberRow) => data.canStaff ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="setMember" />
          <input type="hidden" name="memberId" value={m.memberId} />
          <label className="sr-only" htmlFor={`project-role-${m.memberId}`}>Project role of {m.displayName}</label>
          <select id={`project-role-${m.memberId}`} name="role" defaultValue={m.projectRole} className="input select">
            {projectRoleOptions.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
          <Button size="sm" variant="secondary" aria-label={`Save project role of ${m.displayName}`}>Save</Button>
        </Form>
      ) : PROJECT_ROLE_LABELS[m.projectRole],
    },
    ...(data.canStaff ? [{
      key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
      render: (m: MemberRow) => (
        <Form method="post" className="inline-form">
          <input type="hidden" name="memberId" value={m.memberId} />
          <Button size="sm" variant="danger" name="intent" value="removeMember" aria-label={`Remove ${m.displayName} from the project`}>Remove</Button>
        </Form>
      ),
    }] : []),
  ];

  return (
    <Stack gap={6}>
      <PageHeader
        title={project.name}
        breadcrumbs={[{ label: "Projects", to: data.base }, { label: project.name }]}
        description={
          <Inline gap={1}>
            {project.clientName ? <span>{project.clientName}</span> : <span className="muted">No client</span>}
            {project.billable ? <Badge tone="info">Billable</Badge> : <Badge>Non-billable</Badge>}
            {project.archivedAt && <Badge tone="warning">Archived</Badge>}
            {project.myRole && <Badge tone="accent">You: {PROJECT_ROLE_LABELS[project.myRole]}</Badge>}
          </Inline>
        }
        actions={<Button variant="ghost" to={data.includeArchived ? "?" : "?archived=1"}>{data.includeArchived ? "Hide archived tasks" : "Show archived tasks"}</Button>}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      {error && <FormError error={error} />}

      <Card title="Tasks" flush footer={data.nextTasks ? <Link className="link" to={`?${nextTasks}`}>More tasks</Link> : undefined}>
        <DataTable caption="Tasks" rows={data.tasks} columns={taskColumns} empty={data.canAddTasks ? "No tasks yet. Add one below." : "No tasks."} />
      </Card>
      {data.canAddTasks && (
        <Card title="Add a task">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="addTask" />
            <Field label="Task name" name="taskName" required maxLength={120} error={fieldError(error, "taskName")} />
            <Button type="submit" variant="primary">Add task</Button>
          </Form>
        </Card>
      )}

      <Card title={`Members (${data.members.length})`} flush>
        <DataTable caption="Project members" rows={data.members} rowKey={(m) => m.memberId} columns={memberColumns} empty="No members you can see on this project." />
      </Card>
      {data.canStaff && (
        <Card title="Add a member" description="Project viewers can only be viewers; only project managers, executive managers and owners can manage a project.">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="setMember" />
            <SelectField label="Member" name="memberId" options={data.candidates} placeholder="Choose a member" required error={fieldError(error, "memberId")} />
            <SelectField label="Project role" name="role" options={projectRoleOptions} defaultValue="member" error={fieldError(error, "role")} />
            <Button type="submit" variant="primary">Add to project</Button>
          </Form>
        </Card>
      )}

      {data.canEdit && (
        <Card title="Details">
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="details" />
            <Field label="Project name" name="name" defaultValue={project.name} required maxLength={120} error={fieldError(error, "name")} />
            <Field label="Colour" name="color" type="color" defaultValue={project.color} error={fieldError(error, "color")} />
            <Button type="submit">Save</Button>
          </Form>
        </Card>
      )}
      {data.canEditAll && (
        <Card title="Client and billing">
          <Form method="post">
            <Stack>
              <input type="hidden" name="intent" value="billing" />
              <SelectField label="Client" name="clientId" options={data.clients} placeholder="No client" optional defaultValue={project.clientId ?? ""} error={fieldError(error, "clientId")} />
              <CheckboxField label="Billable" name="billable" defaultChecked={project.billable} />
              <Inline end><Button type="submit">Save</Button></Inline>
            </Stack>
          </Form>
        </Card>
      )}
      {data.canArchive && (
        <Card title={project.archivedAt ? "Restore project" : "Archive project"}
          description={project.archivedAt ? "Make the project active again." : "Archived projects leave the lists and take no new tasks; their history stays."}>
          <Form method="post">
            {project.archivedAt
              ? <Button name="intent" value="restore">Restore project</Button>
              : <Button name="intent" value="archive" variant="danger">Archive project</Button>}
          </Form>
        </Card>
      )}
    </Stack>
  );
}
