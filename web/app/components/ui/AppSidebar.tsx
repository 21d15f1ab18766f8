import { Link, NavLink } from "@remix-run/react";
import type { Role } from "../../../../worker/db/schema";
import { Button } from "./Button";
import { Icon, type IconName } from "./Icon";
import { Logo } from "./Logo";
import { RoleBadge } from "./RoleBadge";
import { SignOutForm } from "./SignOutForm";
import { WorkspaceSwitcher, type WorkspaceLink } from "./WorkspaceSwitcher";

export interface NavItem {
  /** Absolute path, e.g. /w/<id>/projects. */
  to: string;
  label: string;
  icon: IconName;
  /** Active only on this exact path (the overview), not on its children. */
  end?: boolean;
}

export interface AppSidebarProps {
  workspace: { id: string; name: string };
  workspaces: readonly WorkspaceLink[];
  me: { displayName: string; role: Role };
  nav: readonly NavItem[];
}

/** The workspace shell's sidebar: brand, switcher, navigation (already filtered by the policy), the user. */
export function AppSidebar({ workspace, workspaces, me, nav }: AppSidebarProps) {
  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <div className="sidebar-brand">
          <Link to="/" aria-label="Worktrail home"><Logo /></Link>
        </div>
        <WorkspaceSwitcher current={workspace} workspaces={workspaces} />
      </div>
      <nav aria-label="Workspace" className="nav">
        <p className="nav-title">Workspace</p>
        {nav.map((item) => (
          <NavLink key={item.to} to={item.to} end={item.end} prefetch="intent" className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
            <Icon name={item.icon} />
            {item.label}
          </NavLink>
        ))}
      </nav>
      <div className="sidebar-user">
        <div className="sidebar-user-row">
          <span className="sidebar-user-name">{me.displayName}</span>
          <RoleBadge role={me.role} />
        </div>
        <div className="sidebar-user-links">
          <Button to="/account" variant="ghost" size="sm"><Icon name="user" size="sm" />Account</Button>
          <SignOutForm />
        </div>
      </div>
    </aside>
  );
}
