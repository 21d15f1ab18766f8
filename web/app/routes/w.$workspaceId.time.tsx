/**
 * The timesheet: one's own day or week (timer, manual entries, edits) and, for managers, the same view
 * of a member in their scope (`?member=`). Each role sees what the time services give it: a project
 * manager only the time on their projects, a project viewer no activity or apps. Forms work without
 * JavaScript; the activity strip is drawn with CSS classes (no inline styles under the CSP).
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Alert, Button, Card, DataTable, FormError, Inline, PageHeader, SelectField, Field, Stack } from "../components/ui";
import { EditEntryCard } from "../components/time/EditEntryCard";
import { EntryTable } from "../components/time/EntryTable";
import { ManualEntryCard } from "../components/time/ManualEntryCard";
import { SlotStrips } from "../components/time/SlotStrip";
import { TimerCard } from "../components/time/TimerCard";
import { UsageCards } from "../components/time/UsageCards";
import { ScreenshotGrid } from "../components/time/ScreenshotGrid";
import { actionError, actionOk } from "../lib/forms";
import { handleAction } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { timesheetAction, timesheetPage } from "../lib/timesheet.server";
import timeStyles from "../styles/time.css?url";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: timeStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.self ? "My time" : `${data.member.displayName} · Time`} · Worktrail` : "Time · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    return await timesheetPage(context.ctx, actor, new URL(request.url));
  } catch (e) {
    throw toResponse(e);
  }
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(() => timesheetAction(context.ctx, actor, request));
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type ProjectTotal = Loaded["totals"]["byProject"][number];

export default function TimePage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const ok = actionOk(result);
  const week = data.view === "week";

  return (
    <Stack gap={3}>
      <PageHeader
        title={data.self ? "My time" : `${data.member.displayName}’s time`}
        description={<span>{data.title} · <span className="muted">{data.member.timeZone}</span></span>}
        actions={
          <Inline>
            <Button variant="ghost" to={data.links.prev} aria-label={week ? "Previous week" : "Previous day"}>← Previous</Button>
            <Button variant="ghost" to={data.links.today}>Today</Button>
            <Button variant="ghost" to={data.links.next} aria-label={week ? "Next week" : "Next day"}>Next →</Button>
            <Button variant={week ? "ghost" : "secondary"} to={data.links.day} aria-current={week ? undefined : "page"}>Day</Button>
            <Button variant={week ? "secondary" : "ghost"} to={data.links.week} aria-current={week ? "page" : undefined}>Week</Button>
          </Inline>
        }
      />

      <Form method="get" className="time-nav" aria-label="Choose what to show">
        {data.members && (
          <SelectField id="nav-member" label="Member" name="member" options={data.members} defaultValue={data.member.id} />
        )}
        <input type="hidden" name="view" value={data.view} />
        <Field id="nav-date" label={week ? "Week of" : "Date"} name="date" type="date" defaultValue={data.date} />
        <Button type="submit">Show</Button>
      </Form>

      {ok && <Alert tone="success">{ok}</Alert>}
      {error && <FormError error={error} />}
      {!data.visibility.allProjects && (
        <Alert tone="info">You see only the time on your projects{data.visibility.activity === "none" ? "" : ", with the activity of that time"}.</Alert>
      )}

      {data.tracks && <TimerCard running={data.running} work={data.work} error={error} />}

      <div className="stats">
        <Card className="stat"><span className="stat-label">Tracked</span><span className="stat-value">{data.totals.tracked}</span></Card>
        {data.totals.pending && <Card className="stat"><span className="stat-label">Waiting for approval</span><span className="stat-value">{data.totals.pending}</span></Card>}
        {data.totals.activity !== null && <Card className="stat"><span className="stat-label">Activity</span><span className="stat-value">{data.totals.activity}%</span></Card>}
      </div>

      {data.strips && (
        <Card title="Activity" description="Each bar is 10 minutes: its height is the share of tracked seconds with keyboard or mouse input.">
          <SlotStrips days={data.strips} />
        </Card>
      )}

      {data.editing && (
        <EditEntryCard entry={data.editing} work={data.work} timeZone={data.member.timeZone} cancelHref={data.links.current} error={error} />
      )}

      <Card title={week ? "Entries this week" : "Entries"} flush>
        <EntryTable entries={data.entries} showDay={week} editPrefix={data.links.editPrefix} />
      </Card>

      {data.totals.byProject.length > 0 && (
        <Card title="By project" flush>
          <DataTable caption="Time by project" rows={data.totals.byProject} rowKey={(p) => p.key} columns={[
            { key: "project", header: "Project", render: (p: ProjectTotal) => <strong>{p.project}</strong> },
            { key: "tracked", header: "Tracked", className: "num" },
            { key: "pending", header: "Pending", className: "num" },
          ]} />
        </Card>
      )}

      {data.tracks && data.policy !== "forbidden" && (
        <ManualEntryCard policy={data.policy} work={data.work} date={data.date} timeZone={data.member.timeZone} error={error} />
      )}
      {data.tracks && data.policy === "forbidden" && (
        <Alert tone="info">This workspace does not allow adding time by hand. You can still shorten, split or delete your entries.</Alert>
      )}

      <UsageCards apps={data.apps} sites={data.sites} idle={data.idle} />
      <ScreenshotGrid shots={data.screenshots} />
    </Stack>
  );
}
