/**
 * The workspace app shell: every /w/<id>/... page renders inside it. The loader resolves the member
 * through the same loadActor the API uses (not a member, or a foreign id: 404), and builds the
 * navigation with the authz policy so a role never sees links to pages it cannot open.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Outlet, useLoaderData } from "@remix-run/react";
import type { Actor } from "../../../worker/authz/actor";
import { can } from "../../../worker/authz/policy";
import { listMyWorkspaces } from "../../../worker/services/workspaces";
import { AppSidebar, type NavItem } from "../components/ui";
import { requireActor, requireUser, toResponse } from "../lib/guards.server";
import { settingsHome } from "../lib/settingsAccess.server";

/** Links the actor's role may follow; the pages check again on the server (this only hides). */
function workspaceNav(actor: Actor): NavItem[] {
  const base = `/w/${actor.workspace.id}`;
  const nav: NavItem[] = [{ to: base, label: "Overview", icon: "home", end: true }];
  if (can(actor, "time", "read")) nav.push({ to: `${base}/time`, label: "Time", icon: "clock" });
  // The live board: everyone with a time read scope has a (non-null) live scope.
  if (can(actor, "time", "read")) nav.push({ to: `${base}/live`, label: "Live", icon: "chart" });
  if (can(actor, "members", "read")) nav.push({ to: `${base}/members`, label: "Members", icon: "users" });
  if (can(actor, "teams", "read")) nav.push({ to: `${base}/teams`, label: "Teams", icon: "layers" });
  if (can(actor, "clients", "read")) nav.push({ to: `${base}/clients`, label: "Clients", icon: "briefcase" });
  if (can(actor, "projects", "read")) nav.push({ to: `${base}/projects`, label: "Projects", icon: "folder" });
  if (can(actor, "audit", "read")) nav.push({ to: `${base}/audit`, label: "Audit log", icon: "shield" });
  if (can(actor, "devices", "read")) nav.push({ to: `${base}/devices`, label: "Devices", icon: "pulse" });
  // Everyone reads the tracking settings (what is recorded about them); only admins get the General tab.
  const settings = settingsHome(actor);
  if (settings) nav.push({ to: settings, label: "Settings", icon: "settings" });
  return nav;
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const principal = requireUser(context, request);
  const mine = await listMyWorkspaces(context.ctx, principal).catch((e: unknown) => { throw toResponse(e); });
  return {
    workspace: { id: actor.workspace.id, name: actor.workspace.name },
    me: { memberId: actor.member.id, role: actor.member.role, displayName: actor.member.displayName },
    workspaces: mine.map((w) => ({ id: w.id, name: w.name, role: w.role })),
    nav: workspaceNav(actor),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.workspace.name} · Worktrail` : "Worktrail" }];

export default function WorkspaceLayout() {
  const { workspace, me, workspaces, nav } = useLoaderData<typeof loader>();
  return (
    <div className="shell">
      <a href="#main" className="skip-link">Skip to content</a>
      <AppSidebar workspace={workspace} workspaces={workspaces} me={me} nav={nav} />
      <main id="main" className="main" tabIndex={-1}>
        <div className="content">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
