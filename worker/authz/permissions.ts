/**
 * Permissions are data (DESIGN.md, "Access control"): each role maps to `resource:action:scope`
 * entries, exactly as PRODUCT.md's role table says. This table is the single source of access
 * rules for the API and the web app alike; scope.ts turns a scope into SQL.
 *
 * Scopes:
 *   all      - the whole workspace
 *   team     - self plus members of teams the actor manages
 *   project  - records on projects the actor manages (project manager) or is assigned to (viewer)
 *   assigned - projects (and their clients and tasks) the actor is assigned to
 *   own      - the actor's own records
 */
import type { Role } from "../db/schema";

export const RESOURCES = [
  "workspace", "settings", "privacy_toggles", "billing", "owners", "members", "invitations",
  "teams", "clients", "projects", "project_members", "tasks", "audit", "profile",
  // Tracking data (used by the tracking and report issues; defined here so the matrix is complete).
  "time", "activity", "apps", "screenshots", "approvals",
  // Tracking control plane: what the agent records (settings), how usage is labelled (rules), agents.
  "tracking_settings", "rules", "devices",
] as const;
export type Resource = (typeof RESOURCES)[number];
export type Action = "read" | "create" | "update" | "delete" | "manage";
export type Scope = "all" | "team" | "project" | "assigned" | "own";
export type Permission = `${Resource}:${Action}:${Scope}`;

/** Wider scopes first: when a role holds several for one resource/action the first wins. */
export const SCOPE_ORDER: readonly Scope[] = ["all", "team", "project", "assigned", "own"];

const everyone: Permission[] = [
  "workspace:read:all", "profile:read:own", "profile:update:own",
  // The agent of every member needs the settings and rules; a member sees their own devices.
  "tracking_settings:read:all", "rules:read:all", "devices:read:own",
];

/**
 * Members who record time sign in desktop agents and may sign their own out. Project viewers track
 * nothing (they hold no time:create), so they get no devices.
 */
const agentUser: Permission[] = ["devices:create:own", "devices:delete:own"];

const trackingFor = (scope: Scope): Permission[] => [
  `time:read:${scope}`, `activity:read:${scope}`, `apps:read:${scope}`, `screenshots:read:${scope}`,
];

/** Owners and executive managers run the workspace alike, except billing, owners and privacy toggles. */
const administration: Permission[] = [
  "workspace:update:all", "settings:read:all", "settings:update:all",
  "members:read:all", "members:update:all", "members:delete:all",
  "invitations:read:all", "invitations:create:all", "invitations:update:all", "invitations:delete:all",
  "teams:read:all", "teams:create:all", "teams:update:all", "teams:delete:all",
  "clients:read:all", "clients:create:all", "clients:update:all", "clients:delete:all",
  "projects:read:all", "projects:create:all", "projects:update:all", "projects:delete:all",
  "project_members:update:all", "tasks:read:all", "tasks:create:all", "tasks:update:all", "tasks:delete:all",
  "audit:read:all", "profile:update:all",
  ...trackingFor("all"), "time:create:own", "time:update:all", "approvals:manage:all",
  // Screenshots: managers delete any in their scope (only the screenshot goes); a member deleting
  // their own also loses the slot's time, and only when the workspace allows it (ADR 0007).
  "screenshots:delete:all",
  "tracking_settings:update:all", "rules:create:all", "rules:update:all", "rules:delete:all",
  ...agentUser, "devices:read:all", "devices:delete:all",
];

export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: [
    ...everyone, ...administration,
    "workspace:delete:all", "billing:manage:all", "owners:manage:all", "privacy_toggles:update:all",
  ],
  executive: [...everyone, ...administration],
  team_manager: [
    ...everyone,
    "members:read:team", "teams:read:team",
    "projects:read:assigned", "clients:read:assigned", "tasks:read:assigned",
    ...trackingFor("team"), "time:create:own", "time:update:own", "approvals:manage:team", "screenshots:delete:team",
    ...agentUser,
  ],
  project_manager: [
    ...everyone,
    // The member directory (names and roles) is needed to staff the projects they manage; tracking
    // data stays project-scoped below. See docs/decisions/0003-role-scopes.md.
    "members:read:all", "teams:read:own",
    "projects:read:assigned", "projects:update:project", "project_members:update:project",
    "clients:read:assigned", "tasks:read:assigned",
    "tasks:create:project", "tasks:update:project", "tasks:delete:project",
    ...trackingFor("project"), "time:create:own", "time:update:own", "approvals:manage:project", "screenshots:delete:project",
    ...agentUser,
  ],
  employee: [
    ...everyone,
    "members:read:own", "teams:read:own",
    "projects:read:assigned", "clients:read:assigned", "tasks:read:assigned",
    ...trackingFor("own"), "time:create:own", "time:update:own", "screenshots:delete:own",
    ...agentUser,
  ],
  project_viewer: [
    ...everyone,
    "members:read:own",
    "projects:read:assigned", "clients:read:assigned", "tasks:read:assigned",
    // Project time and reports only; never activity, apps or screenshots (PRODUCT.md defaults).
    "time:read:project",
  ],
};

export interface PrivacyToggles {
  managersSeeScreenshots: boolean;
  managersSeeApps: boolean;
}

/**
 * The widest scope `role` holds for resource/action, after the owner's privacy toggles: when a toggle
 * withholds screenshots or apps from managers, every non-owner role keeps only its own records.
 */
export function scopeFor(role: Role, resource: Resource, action: Action, toggles: PrivacyToggles): Scope | null {
  const held = PERMISSIONS[role];
  let found: Scope | null = null;
  for (const scope of SCOPE_ORDER) {
    if (held.includes(`${resource}:${action}:${scope}`)) { found = scope; break; }
  }
  if (found === null || role === "owner" || found === "own") return found;
  if (resource === "screenshots" && action === "read" && !toggles.managersSeeScreenshots) return "own";
  if (resource === "apps" && action === "read" && !toggles.managersSeeApps) return "own";
  return found;
}

/** Roles an actor of `role` may grant or revoke: owners any, executives anything below owner. */
export function assignableRoles(role: Role): readonly Role[] {
  if (role === "owner") return ["owner", "executive", "team_manager", "project_manager", "employee", "project_viewer"];
  if (role === "executive") return ["executive", "team_manager", "project_manager", "employee", "project_viewer"];
  return [];
}
