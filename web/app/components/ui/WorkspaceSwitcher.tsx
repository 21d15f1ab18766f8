import { Link } from "@remix-run/react";
import type { Role } from "../../../../worker/db/schema";
import { ROLE_LABELS } from "../../lib/roles";
import { Icon } from "./Icon";

export interface WorkspaceLink {
  id: string;
  name: string;
  role: Role;
}

/** First letter of the workspace name, as a small avatar. */
function initial(name: string) {
  return (name.trim()[0] ?? "W").toUpperCase();
}

/**
 * The current workspace with a disclosure listing the others. A <details> element opens without
 * JavaScript, and every choice is a plain link to /w/<id>.
 */
export function WorkspaceSwitcher({ current, workspaces }: { /** The workspace being viewed. */ current: { id: string; name: string }; /** All of the user's workspaces. */ workspaces: readonly WorkspaceLink[] }) {
  return (
    <details className="switcher">
      <summary aria-label={`Workspace: ${current.name}. Switch workspace`}>
        <span className="switcher-avatar" aria-hidden="true">{initial(current.name)}</span>
        <span className="switcher-name">
          <span className="switcher-label">Workspace</span>
          {current.name}
        </span>
        <Icon name="chevronDown" size="sm" />
      </summary>
      <nav aria-label="Your workspaces" className="switcher-menu">
        <ul className="switcher-list">
          {workspaces.map((w) => (
            <li key={w.id}>
              <Link to={`/w/${w.id}`} aria-current={w.id === current.id ? "true" : undefined}>
                <span>{w.name}</span>
                <span className="muted small">{ROLE_LABELS[w.role]}</span>
              </Link>
            </li>
          ))}
          <li className="switcher-all">
            <Link to="/">All workspaces</Link>
          </li>
        </ul>
      </nav>
    </details>
  );
}
