/**
 * Role-matrix cases for the tracking control plane (issue #3): tracking settings, classification
 * rules, agent sign-in codes and devices. Settings and rules are read by everyone (their agents need
 * them) and changed by owners and executives (403 for the rest). Devices are personal: members see
 * and revoke their own (someone else's is a 404), owners and executives all of them.
 */
import { classificationRules, devices, type Role } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { ctx, type RoleWorld } from "../helpers/factory";
import { ALL_ROLES, MANAGERS, type MatrixCase } from "../helpers/matrix";

const W = (w: RoleWorld) => `/api/v1/workspaces/${w.ws}`;

/** A workspace-wide rule and a device of the employee, created once per world. */
const extras = new WeakMap<RoleWorld, { ruleId: string; deviceId: string }>();
const extrasOf = (w: RoleWorld) => {
  const e = extras.get(w);
  if (!e) throw new Error("prepare() did not run");
  return e;
};
async function prepare(w: RoleWorld) {
  if (extras.has(w)) return;
  const e = { ruleId: newId(), deviceId: newId() };
  extras.set(w, e);
  const db = ctx().db;
  await db.batch([
    db.insert(classificationRules).values({ id: e.ruleId, workspaceId: w.ws, match: "app", pattern: "Slack", category: "neutral" }),
    db.insert(devices).values({ id: e.deviceId, workspaceId: w.ws, memberId: w.roles.employee.memberId, name: "Employee laptop" }),
  ]);
}

/** Every role that records time (all but project viewers) may get a sign-in code for its agent. */
const TRACKERS: readonly Role[] = ["owner", "executive", "team_manager", "project_manager", "employee"];
const adminWrite = 403 as const;

export const trackingCases: MatrixCase[] = [
  // Tracking settings
  { name: "GET tracking settings", method: "GET", path: (w) => `${W(w)}/tracking-settings`, allowed: ALL_ROLES, readOnly: true },
  { name: "PATCH tracking settings", method: "PATCH", path: (w) => `${W(w)}/tracking-settings`, body: () => ({ screenshotsPerSlot: 2, exclusions: { apps: ["KeePassXC"] } }),
    allowed: MANAGERS, denied: adminWrite },

  // Classification rules
  { name: "GET rules", method: "GET", path: (w) => `${W(w)}/rules`, allowed: ALL_ROLES, readOnly: true },
  { name: "POST rule", method: "POST", path: (w) => `${W(w)}/rules`, body: (w) => ({ match: "domain", pattern: "github.com", category: "productive", teamId: w.teamA }),
    allowed: MANAGERS, denied: adminWrite },
  { name: "GET rule", method: "GET", path: (w) => `${W(w)}/rules/${extrasOf(w).ruleId}`, allowed: ALL_ROLES, readOnly: true, prepare },
  { name: "PATCH rule", method: "PATCH", path: (w) => `${W(w)}/rules/${extrasOf(w).ruleId}`, body: () => ({ category: "unproductive" }),
    allowed: MANAGERS, denied: adminWrite, prepare },
  { name: "DELETE rule", method: "DELETE", path: (w) => `${W(w)}/rules/${extrasOf(w).ruleId}`, allowed: MANAGERS, denied: adminWrite, prepare },

  // Devices
  { name: "POST device sign-in code", method: "POST", path: (w) => `${W(w)}/devices/code`, allowed: TRACKERS, denied: 403 },
  { name: "GET devices", method: "GET", path: (w) => `${W(w)}/devices`, allowed: ALL_ROLES, readOnly: true },
  { name: "DELETE the employee's device", method: "DELETE", path: (w) => `${W(w)}/devices/${extrasOf(w).deviceId}`,
    allowed: ["owner", "executive", "employee"], denied: 404, prepare },
];
