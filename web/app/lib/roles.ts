/**
 * Human names and one-line descriptions of the workspace roles (PRODUCT.md, "Roles").
 * Client-safe: only a type is imported from the schema, so drizzle never reaches the browser bundle.
 */
import type { Role } from "../../../worker/db/schema";

/** Display order: most to least access. */
export const ROLE_ORDER = ["owner", "executive", "team_manager", "project_manager", "employee", "project_viewer"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  executive: "Executive manager",
  team_manager: "Team manager",
  project_manager: "Project manager",
  employee: "Employee",
  project_viewer: "Project viewer",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Sees all workspace data and can change everything, including billing, owners and deleting the workspace.",
  executive: "Sees all workspace data; manages members below owner, teams, projects and settings.",
  team_manager: "Sees their own data and that of the members of teams they manage; approves their time.",
  project_manager: "Sees time tracked on the projects they manage; manages those projects' tasks and members.",
  employee: "Sees and edits only their own time, activity and screenshots.",
  project_viewer: "Read-only access to the projects they are assigned to.",
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** Narrows an untrusted string (a form value, a query parameter) to a Role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLE_ORDER as readonly string[]).includes(value);
}

/** Options for a SelectField, optionally limited to the roles the viewer may assign. */
export function roleOptions(roles: readonly Role[] = ROLE_ORDER): { value: Role; label: string }[] {
  return ROLE_ORDER.filter((r) => roles.includes(r)).map((r) => ({ value: r, label: ROLE_LABELS[r] }));
}
