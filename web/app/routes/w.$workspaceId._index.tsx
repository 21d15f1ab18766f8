/**
 * Workspace overview: what this workspace is, your role in it, and where to go next.
 * Tracking features that are not built yet are described honestly, never shown with fake numbers.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { getWorkspace } from "../../../worker/services/workspaces";
import { Badge, Card, Icon, PageHeader, RoleBadge, type IconName } from "../components/ui";
import { requireActor, toResponse } from "../lib/guards.server";
import { ROLE_DESCRIPTIONS } from "../lib/roles";
import type { loader as layoutLoader } from "./w.$workspaceId";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const w = await getWorkspace(context.ctx, actor).catch((e: unknown) => { throw toResponse(e); });
  return {
    name: w.name,
    timeZone: w.timeZone,
    memberCount: w.memberCount,
    role: w.myRole,
    require2fa: w.require2fa,
  };
}

// One line per destination in the sidebar, keyed by its icon (the nav is built by the layout's loader).
const BLURBS: Partial<Record<IconName, string>> = {
  users: "Invite people and manage their roles.",
  layers: "Group members and choose who manages them.",
  briefcase: "The organizations you do the work for.",
  folder: "Projects, their tasks and who works on them.",
  shield: "A tamper-evident record of important changes.",
  settings: "Name, time zone, privacy and security.",
};

const COMING = [
  { icon: "pulse", title: "Live board", text: "See who is working right now and on which project, updated as the desktop agent reports in." },
  { icon: "chart", title: "Reports", text: "Tracked time, activity, attendance and timesheets by member, team, project and client, exportable as CSV." },
  { icon: "clock", title: "Time tracking", text: "Start a timer from the desktop agent or the web, and add manual entries with a reason." },
] as const satisfies readonly { icon: IconName; title: string; text: string }[];

export default function WorkspaceOverview() {
  const w = useLoaderData<typeof loader>();
  const layout = useRouteLoaderData<typeof layoutLoader>("routes/w.$workspaceId");
  const links = (layout?.nav ?? []).filter((n) => !n.end);

  return (
    <>
      <PageHeader title={w.name} description="Your workspace at a glance." />

      <div className="stats">
        <Card className="stat">
          <p className="stat-label">Your role</p>
          <div className="stat-value-text"><RoleBadge role={w.role} /></div>
          <p className="small muted">{ROLE_DESCRIPTIONS[w.role]}</p>
        </Card>
        <Card className="stat">
          <p className="stat-label">Active members</p>
          <p className="stat-value">{w.memberCount}</p>
        </Card>
        <Card className="stat">
          <p className="stat-label">Time zone</p>
          <p className="stat-value-text">{w.timeZone}</p>
          <p className="small muted">Used for the workspace's schedules; each member's days follow their own time zone.</p>
        </Card>
        <Card className="stat">
          <p className="stat-label">Two-factor authentication</p>
          <p className="stat-value-text">{w.require2fa ? <Badge tone="success">Required</Badge> : <Badge>Optional</Badge>}</p>
        </Card>
      </div>

      {links.length ? (
        <section aria-labelledby="quick-links">
          <h2 id="quick-links" className="section-title">Go to</h2>
          <ul className="grid-cards">
            {links.map((n) => (
              <li key={n.to}>
                <Link to={n.to} className="card card-link">
                  <span className="tile">
                    <Icon name={n.icon} />
                    <span className="tile-text">
                      <span className="tile-title">{n.label}</span>
                      {BLURBS[n.icon] ? <span className="tile-sub">{BLURBS[n.icon]}</span> : null}
                    </span>
                    <Icon name="arrowRight" size="sm" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="coming-soon">
        <h2 id="coming-soon" className="section-title">Coming soon</h2>
        <p className="section-lead">These arrive with the desktop agent. Nothing is recorded until a member installs it and starts tracking.</p>
        <div className="coming">
          {COMING.map((c) => (
            <Card key={c.title} className="feature">
              <span className="feature-icon"><Icon name={c.icon} /></span>
              <h3 className="feature-title">{c.title} <Badge tone="info">Soon</Badge></h3>
              <p className="feature-text">{c.text}</p>
            </Card>
          ))}
        </div>
      </section>
    </>
  );
}
