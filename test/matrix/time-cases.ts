/**
 * Role-matrix cases for time (issue #3): the timer, manual entries, edits, approvals and timesheets.
 *
 * Who sees whose time (roleWorld, test/helpers/factory.ts): the employee is in team A (managed by the
 * team manager) and on project A (managed by the project manager, viewed by the project viewer);
 * employee2 is in team B and on project B, which only owners and executives reach. So the employee's
 * project-A time is visible to every role (403 for those who may not change it), employee2's project-B
 * time only to owners and executives (404 for everyone else).
 */
import type { Role } from "../../worker/db/schema";
import { api } from "../helpers/http";
import type { RoleWorld } from "../helpers/factory";
import { ALL_ROLES, MANAGERS, type MatrixCase } from "../helpers/matrix";
import { daysAgo, HOUR, iso, setManualTime } from "../time/support";

const W = (w: RoleWorld) => `/api/v1/workspaces/${w.ws}`;
const TRACKERS: readonly Role[] = ["owner", "executive", "team_manager", "project_manager", "employee"];
const DATE = new Date(daysAgo(1)).toISOString().slice(0, 10);

/** Entries the cases address, created once per world through the API (so they are real entries). */
interface Extras { a: string; b: string }
const approved = new WeakMap<RoleWorld, Extras>();
const pending = new WeakMap<RoleWorld, Extras>();

async function manualEntry(w: RoleWorld, token: string, projectId: string) {
  const start = daysAgo(1, 9);
  const res = await api(token, "POST", `${W(w)}/time-entries`, { start: iso(start), end: iso(start + HOUR), projectId, reason: "matrix" });
  if (res.status !== 201) throw new Error(`prepare: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The employee's project-A entry and employee2's project-B entry (approved). */
async function prepareEntries(w: RoleWorld) {
  if (approved.has(w)) return;
  approved.set(w, { a: await manualEntry(w, w.roles.employee.token, w.projectA), b: await manualEntry(w, w.employee2.token, w.projectB) });
}

/** The same two entries, waiting for approval. */
async function preparePending(w: RoleWorld) {
  if (pending.has(w)) return;
  await setManualTime(w.ws, "approval");
  pending.set(w, { a: await manualEntry(w, w.roles.employee.token, w.projectA), b: await manualEntry(w, w.employee2.token, w.projectB) });
}

/** A running timer for every role that tracks time. */
const running = new WeakSet<RoleWorld>();
async function prepareTimers(w: RoleWorld) {
  if (running.has(w)) return;
  running.add(w);
  for (const role of TRACKERS) await api(w.roles[role].token, "POST", `${W(w)}/timer/start`, {});
}

const got = (m: WeakMap<RoleWorld, Extras>, w: RoleWorld) => {
  const e = m.get(w);
  if (!e) throw new Error("prepare() did not run");
  return e;
};
const A = (w: RoleWorld) => got(approved, w).a;
const B = (w: RoleWorld) => got(approved, w).b;
const pendingA = (w: RoleWorld) => got(pending, w).a;
const pendingB = (w: RoleWorld) => got(pending, w).b;

/** Visible to everyone, changeable by the employee and by owners/executives. */
const ownEntryWrite = { allowed: ["owner", "executive", "employee"] as Role[], denied: 403 as const };
/** Visible only to owners and executives. */
const hiddenEntry = { allowed: MANAGERS, denied: 404 as const };

export const timeCases: MatrixCase[] = [
  // Timer
  { name: "GET timer", method: "GET", path: (w) => `${W(w)}/timer`, allowed: ALL_ROLES, readOnly: true },
  { name: "POST timer/start", method: "POST", path: (w) => `${W(w)}/timer/start`, body: () => ({ note: "matrix" }), allowed: TRACKERS, denied: 403 },
  { name: "POST timer/stop", method: "POST", path: (w) => `${W(w)}/timer/stop`, allowed: TRACKERS, denied: 403, prepare: prepareTimers },

  // Manual entries
  { name: "POST time-entries", method: "POST", path: (w) => `${W(w)}/time-entries`,
    body: () => ({ start: iso(daysAgo(2, 9)), end: iso(daysAgo(2, 10)), reason: "matrix" }), allowed: TRACKERS, denied: 403 },

  // One entry
  { name: "GET the employee's project-A entry", method: "GET", path: (w) => `${W(w)}/time-entries/${A(w)}`, allowed: ALL_ROLES, readOnly: true, prepare: prepareEntries },
  { name: "GET employee2's project-B entry", method: "GET", path: (w) => `${W(w)}/time-entries/${B(w)}`, ...hiddenEntry, readOnly: true, prepare: prepareEntries },
  { name: "PATCH the employee's entry", method: "PATCH", path: (w) => `${W(w)}/time-entries/${A(w)}`, body: () => ({ note: "changed" }), ...ownEntryWrite, prepare: prepareEntries },
  { name: "PATCH employee2's entry", method: "PATCH", path: (w) => `${W(w)}/time-entries/${B(w)}`, body: () => ({ note: "changed" }), ...hiddenEntry, prepare: prepareEntries },
  { name: "POST split of the employee's entry", method: "POST", path: (w) => `${W(w)}/time-entries/${A(w)}/split`,
    body: () => ({ at: iso(daysAgo(1, 9.5)) }), ...ownEntryWrite, prepare: prepareEntries },
  { name: "DELETE the employee's entry", method: "DELETE", path: (w) => `${W(w)}/time-entries/${A(w)}`, ...ownEntryWrite, prepare: prepareEntries },
  { name: "DELETE employee2's entry", method: "DELETE", path: (w) => `${W(w)}/time-entries/${B(w)}`, ...hiddenEntry, prepare: prepareEntries },

  // Approvals: team manager (employee is in team A) and project manager (project A) decide the
  // employee's time; employee2's is beyond them.
  { name: "POST approve the employee's pending entry", method: "POST", path: (w) => `${W(w)}/time-entries/${pendingA(w)}/approve`,
    allowed: ["owner", "executive", "team_manager", "project_manager"], denied: 403, prepare: preparePending },
  { name: "POST reject the employee's pending entry", method: "POST", path: (w) => `${W(w)}/time-entries/${pendingA(w)}/reject`,
    allowed: ["owner", "executive", "team_manager", "project_manager"], denied: 403, prepare: preparePending },
  { name: "POST approve employee2's pending entry", method: "POST", path: (w) => `${W(w)}/time-entries/${pendingB(w)}/approve`,
    ...hiddenEntry, prepare: preparePending },

  // Timesheets
  { name: "GET the employee's day", method: "GET", path: (w) => `${W(w)}/members/${w.roles.employee.memberId}/day?date=${DATE}`, allowed: ALL_ROLES, readOnly: true },
  { name: "GET the employee's week", method: "GET", path: (w) => `${W(w)}/members/${w.roles.employee.memberId}/week?start=${DATE}`, allowed: ALL_ROLES, readOnly: true },
  { name: "GET employee2's day", method: "GET", path: (w) => `${W(w)}/members/${w.employee2.memberId}/day?date=${DATE}`, ...hiddenEntry, readOnly: true },
  { name: "GET the team manager's day", method: "GET", path: (w) => `${W(w)}/members/${w.roles.team_manager.memberId}/day?date=${DATE}`,
    allowed: ["owner", "executive", "team_manager"], denied: 404, readOnly: true },
];
