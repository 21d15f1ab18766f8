import type { MatrixCase } from "../helpers/matrix";
import { ALL_ROLES, MANAGERS } from "../helpers/matrix";

const W = (w: { ws: string }) => `/api/v1/workspaces/${w.ws}`;

/** Workspace, members, invitations and audit routes. */
export const workspaceCases: MatrixCase[] = [
  { name: "GET workspace", method: "GET", path: W, allowed: ALL_ROLES, readOnly: true },
  { name: "PATCH workspace name", method: "PATCH", path: W, body: () => ({ name: "Renamed" }), allowed: MANAGERS, denied: 403 },
  { name: "PATCH privacy toggle", method: "PATCH", path: W, body: () => ({ managersSeeApps: false }), allowed: ["owner"], denied: 403 },
  { name: "POST transfer ownership", method: "POST", path: (w) => `${W(w)}/transfer-ownership`, body: (w) => ({ memberId: w.roles.executive.memberId }), allowed: ["owner"], denied: 403 },
  { name: "DELETE workspace", method: "DELETE", path: W, body: () => ({ confirmName: "Acme Corp" }), allowed: ["owner"], denied: 403 },

  { name: "GET members", method: "GET", path: (w) => `${W(w)}/members`, allowed: ALL_ROLES, readOnly: true },
  { name: "GET member outside every manager's team", method: "GET", path: (w) => `${W(w)}/members/${w.employee2.memberId}`,
    allowed: ["owner", "executive", "project_manager"], denied: 404, readOnly: true },
  { name: "GET team member", method: "GET", path: (w) => `${W(w)}/members/${w.roles.employee.memberId}`,
    allowed: ["owner", "executive", "team_manager", "project_manager", "employee"], denied: 404, readOnly: true },
  { name: "PATCH member role", method: "PATCH", path: (w) => `${W(w)}/members/${w.roles.employee.memberId}`, body: () => ({ role: "team_manager" }),
    allowed: MANAGERS, denied: { team_manager: 403, project_manager: 403, employee: 403, project_viewer: 404 } },
  { name: "PATCH owner's role", method: "PATCH", path: (w) => `${W(w)}/members/${w.roles.owner.memberId}`, body: () => ({ role: "employee" }),
    allowed: [], denied: { owner: 403, executive: 403, team_manager: 404, project_manager: 403, employee: 404, project_viewer: 404 } },
  { name: "POST deactivate member", method: "POST", path: (w) => `${W(w)}/members/${w.roles.employee.memberId}/deactivate`, allowed: MANAGERS },
  { name: "DELETE member", method: "DELETE", path: (w) => `${W(w)}/members/${w.employee2.memberId}`, allowed: MANAGERS },

  { name: "GET invitations", method: "GET", path: (w) => `${W(w)}/invitations`, allowed: MANAGERS, denied: 403, readOnly: true },
  { name: "POST invitation (employee)", method: "POST", path: (w) => `${W(w)}/invitations`, body: () => ({ email: "new.person@example.test", role: "employee" }), allowed: MANAGERS, denied: 403 },
  { name: "POST invitation (owner role)", method: "POST", path: (w) => `${W(w)}/invitations`, body: () => ({ email: "new.owner@example.test", role: "owner" }), allowed: ["owner"], denied: 403 },

  { name: "GET audit", method: "GET", path: (w) => `${W(w)}/audit`, allowed: MANAGERS, denied: 403, readOnly: true },
  { name: "GET audit verify", method: "GET", path: (w) => `${W(w)}/audit/verify`, allowed: MANAGERS, denied: 403, readOnly: true },
];
