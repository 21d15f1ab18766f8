/**
 * Home. Visitors get a short landing page; signed-in people get their workspaces (always the list,
 * even with one, so switching is predictable) and a form to create another.
 */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { NameSchema, TimeZoneSchema } from "../../../worker/contract/common";
import { createWorkspace, listMyWorkspaces } from "../../../worker/services/workspaces";
import {
  Alert, Badge, Button, Card, EmptyState, Field, FormError, Icon, Inline, PageHeader, RoleBadge, SelectField, SiteHeader, Stack, fieldError,
  type IconName,
} from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { optionalUser, requireUser, toResponse } from "../lib/guards.server";

export const meta: MetaFunction = () => [
  { title: "Worktrail · Time tracking for teams" },
  { name: "description", content: "Worktrail tracks time, activity and projects for teams, with roles and privacy controls built in." },
];

// Common zones first for a short scan; the rest follow alphabetically. "UTC" is not in every engine's list.
const PREFERRED_ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];

/** The zones this runtime knows, computed on the server so the browser renders the same list (no hydration mismatch). */
function timeZoneOptions(): { value: string; label: string }[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const rest = all.filter((z) => !PREFERRED_ZONES.includes(z)).sort();
  return [...PREFERRED_ZONES, ...rest].map((z) => ({ value: z, label: z.replace(/_/g, " ") }));
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = optionalUser(context);
  const deleted = new URL(request.url).searchParams.get("deleted") === "1";
  if (!user) return { user: null, workspaces: [], timeZones: [], deleted };
  const workspaces = await listMyWorkspaces(context.ctx, user).catch((e: unknown) => { throw toResponse(e); });
  return {
    user: { name: user.name },
    workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, role: w.role })),
    timeZones: timeZoneOptions(),
    deleted: false,
  };
}

const CreateWorkspaceForm = z.object({
  name: NameSchema,
  // Empty means "use my own time zone" (createWorkspace falls back to the user's).
  timeZone: z.union([z.literal(""), TimeZoneSchema]).optional().transform((v) => v || undefined),
});

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  return handleAction(async () => {
    const input = await readForm(request, CreateWorkspaceForm);
    const ws = await createWorkspace(context.ctx, user, { name: input.name, timeZone: input.timeZone });
    throw redirect(`/w/${ws.id}`);
  });
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <SiteHeader user={data.user} />
      {data.user ? <Workspaces workspaces={data.workspaces} timeZones={data.timeZones} /> : <Landing deleted={data.deleted} />}
    </>
  );
}

function Workspaces({ workspaces, timeZones }: { workspaces: ReturnType<typeof useLoaderData<typeof loader>>["workspaces"]; timeZones: { value: string; label: string }[] }) {
  const actionData = useActionData<typeof action>();
  const error = actionData && "error" in actionData ? actionData.error : undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="site-content">
      <PageHeader title="Your workspaces" description="Each workspace has its own members, projects and data. Pick one to open it." />
      <div className="split">
        <section aria-label="Workspaces">
          {workspaces.length ? (
            <ul className="stack gap-1">
              {workspaces.map((w) => (
                <li key={w.id}>
                  <Link to={`/w/${w.id}`} className="card card-link">
                    <span className="tile">
                      <span className="switcher-avatar" aria-hidden="true">{(w.name.trim()[0] ?? "W").toUpperCase()}</span>
                      <span className="tile-text">
                        <span className="tile-title">{w.name}</span>
                      </span>
                      <RoleBadge role={w.role} />
                      <Icon name="arrowRight" size="sm" />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No workspaces yet" description="Create one for your organization or team, or ask a colleague to invite you to theirs." />
          )}
        </section>
        <Card title="Create a workspace" description="You will be its owner and can invite others.">
          <Form method="post">
            <Stack>
              <FormError error={error} />
              <Field label="Workspace name" name="name" required maxLength={120} autoComplete="organization" error={fieldError(error, "name")} />
              <SelectField
                label="Time zone"
                name="timeZone"
                options={timeZones}
                placeholder="Same as my account"
                defaultValue=""
                hint="Schedules and workspace-wide days use it; each member's reports follow their own time zone."
                error={fieldError(error, "timeZone")}
              />
              <Inline end>
                <Button type="submit" variant="primary" disabled={busy}>
                  <Icon name="plus" size="sm" />
                  Create workspace
                </Button>
              </Inline>
            </Stack>
          </Form>
        </Card>
      </div>
    </main>
  );
}

const FEATURES = [
  { icon: "clock", title: "Time on projects and tasks", text: "A desktop agent for Windows, macOS and Linux tracks time, keeps working offline and never counts anything twice." },
  { icon: "users", title: "Roles that fit your organization", text: "Owners, executives, team and project managers, employees and viewers each see exactly what their role allows." },
  { icon: "shield", title: "Privacy by design", text: "Exclude apps and sites, encrypt screenshots on the device, and keep an audit log of every important change." },
  { icon: "chart", title: "Live board and reports", text: "See who is working now, and report on time, activity and attendance in every member's own time zone." },
] as const satisfies readonly { icon: IconName; title: string; text: string }[];

function Landing({ deleted }: { deleted: boolean }) {
  return (
    <main id="main" className="site-content">
      {deleted ? <Alert tone="success" title="Account deleted">Your account and your data are gone. Thank you for using Worktrail.</Alert> : null}
      <section className="hero">
        <Badge tone="accent" className="hero-eyebrow">Time tracking for teams</Badge>
        <h1 className="hero-title">Know where the work time goes.</h1>
        <p className="hero-lead">Worktrail records time, activity and projects for organizations, teams and individuals, and shows each person only what their role allows.</p>
        <div className="hero-actions">
          <Button to="/signup" variant="primary" size="lg">Create account</Button>
          <Button to="/login" variant="secondary" size="lg">Sign in</Button>
        </div>
      </section>
      <section aria-label="Features" className="features">
        {FEATURES.map((f) => (
          <Card key={f.title} className="feature">
            <span className="feature-icon"><Icon name={f.icon} /></span>
            <h2 className="feature-title">{f.title}</h2>
            <p className="feature-text">{f.text}</p>
          </Card>
        ))}
      </section>
      <footer className="site-footer">Built on Cloudflare's network. Nothing in a workspace is ever shared outside it.</footer>
    </main>
  );
}
