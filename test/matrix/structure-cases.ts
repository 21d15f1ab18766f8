/**
 * Role-matrix cases for teams, clients, projects (and their members) and tasks, in the format of
 * test/helpers/matrix.ts. Denials are exact: 404 when the caller cannot see the thing at all, 403
 * when they can see it but their role may not change it.
 */
import type { Role } from "../../worker/db/schema";
import { ALL_ROLES, MANAGERS, type MatrixCase } from "../helpers/matrix";
import type { RoleWorld } from "../helpers/factory";

const W = (w: RoleWorld) => `/api/v1/workspaces/${w.ws}`;
const unique = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

/** Everyone assigned to project A (its manager, the employee, the viewer) plus owners and executives. */
const PROJECT_A: readonly Role[] = ["owner", "executive", "project_manager", "employee", "project_viewer"];
const PROJECT_A_EDITORS: readonly Role[] = ["owner", "executive", "project_manager"];
/** Team A is managed by the team manager and has the employee in it. */
const TEAM_A: readonly Role[] = ["owner", "executive", "team_manager", "employee"];

const teamAWrite = { team_manager: 403, employee: 403, project_manager: 404, project_viewer: 404 } as const;
const clientAWrite = { team_manager: 404, project_manager: 403, employee: 403, project_viewer: 403 } as const;
const projectAWrite = { team_manager: 404, project_manager: 403, employee: 403, project_viewer: 403 } as const;
const projectAManagerWrite = { team_manager: 404, employee: 403, project_viewer: 403 } as const;

export const matrixCases: MatrixCase[] = [
  // Teams
  { name: "GET teams", method: "GET", path: (w) => `${W(w)}/teams`, allowed: ["owner", "executive", "team_manager", "project_manager", "employee"], denied: 403, readOnly: true },
  { name: "POST team", method: "POST", path: (w) => `${W(w)}/teams`, body: () => ({ name: unique("Team") }), allowed: MANAGERS, denied: 403 },
  { name: "GET team A", method: "GET", path: (w) => `${W(w)}/teams/${w.teamA}`, allowed: TEAM_A, denied: 404, readOnly: true },
  { name: "GET team B", method: "GET", path: (w) => `${W(w)}/teams/${w.teamB}`, allowed: MANAGERS, denied: 404, readOnly: true },
  { name: "PATCH team A name", method: "PATCH", path: (w) => `${W(w)}/teams/${w.teamA}`, body: () => ({ name: unique("Team") }), allowed: MANAGERS, denied: teamAWrite },
  { name: "PATCH team A archived", method: "PATCH", path: (w) => `${W(w)}/teams/${w.teamA}`, body: () => ({ archived: true }), allowed: MANAGERS, denied: teamAWrite },
  { name: "DELETE team A", method: "DELETE", path: (w) => `${W(w)}/teams/${w.teamA}`, allowed: MANAGERS, denied: teamAWrite },
  { name: "PUT team A member", method: "PUT", path: (w) => `${W(w)}/teams/${w.teamA}/members/${w.employee2.memberId}`, body: () => ({ isManager: false }), allowed: MANAGERS, denied: teamAWrite },
  { name: "DELETE team A member", method: "DELETE", path: (w) => `${W(w)}/teams/${w.teamA}/members/${w.roles.employee.memberId}`, allowed: MANAGERS, denied: teamAWrite },

  // Clients
  { name: "GET clients", method: "GET", path: (w) => `${W(w)}/clients`, allowed: ALL_ROLES, readOnly: true },
  { name: "POST client", method: "POST", path: (w) => `${W(w)}/clients`, body: () => ({ name: unique("Client") }), allowed: MANAGERS, denied: 403 },
  { name: "GET client A", method: "GET", path: (w) => `${W(w)}/clients/${w.clientA}`, allowed: PROJECT_A, denied: 404, readOnly: true },
  { name: "GET client B", method: "GET", path: (w) => `${W(w)}/clients/${w.clientB}`, allowed: MANAGERS, denied: 404, readOnly: true },
  { name: "PATCH client A name", method: "PATCH", path: (w) => `${W(w)}/clients/${w.clientA}`, body: () => ({ name: unique("Client") }), allowed: MANAGERS, denied: clientAWrite },
  { name: "PATCH client A archived", method: "PATCH", path: (w) => `${W(w)}/clients/${w.clientA}`, body: () => ({ archived: true }), allowed: MANAGERS, denied: clientAWrite },

  // Projects
  { name: "GET projects", method: "GET", path: (w) => `${W(w)}/projects`, allowed: ALL_ROLES, readOnly: true },
  { name: "POST project", method: "POST", path: (w) => `${W(w)}/projects`, body: (w) => ({ name: unique("Project"), clientId: w.clientA }), allowed: MANAGERS, denied: 403 },
  { name: "GET project A", method: "GET", path: (w) => `${W(w)}/projects/${w.projectA}`, allowed: PROJECT_A, denied: 404, readOnly: true },
  { name: "GET project B", method: "GET", path: (w) => `${W(w)}/projects/${w.projectB}`, allowed: MANAGERS, denied: 404, readOnly: true },
  { name: "PATCH project A name and color", method: "PATCH", path: (w) => `${W(w)}/projects/${w.projectA}`, body: () => ({ name: unique("Project"), color: "#112233" }),
    allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },
  { name: "PATCH project A billable", method: "PATCH", path: (w) => `${W(w)}/projects/${w.projectA}`, body: () => ({ billable: false }), allowed: MANAGERS, denied: projectAWrite },
  { name: "PATCH project A client", method: "PATCH", path: (w) => `${W(w)}/projects/${w.projectA}`, body: (w) => ({ clientId: w.clientB }), allowed: MANAGERS, denied: projectAWrite },
  { name: "PATCH project A archived", method: "PATCH", path: (w) => `${W(w)}/projects/${w.projectA}`, body: () => ({ archived: true }), allowed: MANAGERS, denied: projectAWrite },
  { name: "PATCH project B color", method: "PATCH", path: (w) => `${W(w)}/projects/${w.projectB}`, body: () => ({ color: "#445566" }), allowed: MANAGERS, denied: 404 },

  // Project members
  { name: "GET project A members", method: "GET", path: (w) => `${W(w)}/projects/${w.projectA}/members`, allowed: PROJECT_A, denied: 404, readOnly: true },
  { name: "PUT project A member", method: "PUT", path: (w) => `${W(w)}/projects/${w.projectA}/members/${w.employee2.memberId}`, body: () => ({ role: "member" }),
    allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },
  { name: "PUT project B member", method: "PUT", path: (w) => `${W(w)}/projects/${w.projectB}/members/${w.roles.employee.memberId}`, body: () => ({ role: "member" }),
    allowed: MANAGERS, denied: 404 },
  { name: "DELETE project A member", method: "DELETE", path: (w) => `${W(w)}/projects/${w.projectA}/members/${w.roles.employee.memberId}`,
    allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },

  // Tasks
  { name: "GET project A tasks", method: "GET", path: (w) => `${W(w)}/projects/${w.projectA}/tasks`, allowed: PROJECT_A, denied: 404, readOnly: true },
  { name: "GET project B tasks", method: "GET", path: (w) => `${W(w)}/projects/${w.projectB}/tasks`, allowed: MANAGERS, denied: 404, readOnly: true },
  { name: "POST task in project A", method: "POST", path: (w) => `${W(w)}/projects/${w.projectA}/tasks`, body: () => ({ name: unique("Task") }),
    allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },
  { name: "POST task in project B", method: "POST", path: (w) => `${W(w)}/projects/${w.projectB}/tasks`, body: () => ({ name: unique("Task") }), allowed: MANAGERS, denied: 404 },
  { name: "GET task A", method: "GET", path: (w) => `${W(w)}/tasks/${w.taskA}`, allowed: PROJECT_A, denied: 404, readOnly: true },
  { name: "GET task B", method: "GET", path: (w) => `${W(w)}/tasks/${w.taskB}`, allowed: MANAGERS, denied: 404, readOnly: true },
  { name: "PATCH task A done", method: "PATCH", path: (w) => `${W(w)}/tasks/${w.taskA}`, body: () => ({ status: "done" }), allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },
  { name: "PATCH task A archived", method: "PATCH", path: (w) => `${W(w)}/tasks/${w.taskA}`, body: () => ({ archived: true }), allowed: PROJECT_A_EDITORS, denied: projectAManagerWrite },
  { name: "PATCH task B name", method: "PATCH", path: (w) => `${W(w)}/tasks/${w.taskB}`, body: () => ({ name: unique("Task") }), allowed: MANAGERS, denied: 404 },
];
