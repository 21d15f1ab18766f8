/**
 * Role-matrix cases for screenshots (issue #3). roleWorld() has no screenshots, so `prepare` places
 * three (R2 envelope + row in the workspace object) and the time entries that decide project scope:
 * - onA:   the employee's, taken during their time on project A (managed by the project manager);
 * - offA:  the employee's, taken during time on no project;
 * - emp2:  employee2's (team B, project B): only owners and executives reach it.
 * The agent's upload route takes device tokens only and is covered in test/screenshots/upload.test.ts.
 */
import { eq } from "drizzle-orm";
import { trackingSettings, workspaces } from "../../worker/db/schema";
import { ctx, type RoleWorld } from "../helpers/factory";
import type { MatrixCase } from "../helpers/matrix";
import { MIN, placeEntry, placeShot, slotOf } from "../screenshots/support";

interface Shots { base: number; onA: string; offA: string; emp2: string }
const placed = new WeakMap<RoleWorld, Shots>();
const shotsOf = (w: RoleWorld) => {
  const s = placed.get(w);
  if (!s) throw new Error("prepare() did not run");
  return s;
};

async function prepare(w: RoleWorld) {
  if (placed.has(w)) return;
  const emp = w.roles.employee.memberId;
  const base = slotOf(Date.now()) - 3 * 60 * MIN;
  await placeEntry(w.ws, emp, base, base + 30 * MIN, w.projectA);
  await placeEntry(w.ws, emp, base + 60 * MIN, base + 90 * MIN, null);
  const onA = (await placeShot(w.ws, emp, base + 11 * MIN)).shotId;
  const offA = (await placeShot(w.ws, emp, base + 71 * MIN)).shotId;
  const emp2 = (await placeShot(w.ws, w.employee2.memberId, base + 11 * MIN)).shotId;
  placed.set(w, { base, onA, offA, emp2 });
}

/** The owner has withheld screenshots from managers. */
async function prepareWithheld(w: RoleWorld) {
  await prepare(w);
  await ctx().db.update(workspaces).set({ managersSeeScreenshots: false }).where(eq(workspaces.id, w.ws));
}

/** Members may not delete their own screenshots. */
async function prepareNoDeletion(w: RoleWorld) {
  await prepare(w);
  await ctx().db.insert(trackingSettings).values({ workspaceId: w.ws, screenshotDeletion: "forbidden" })
    .onConflictDoUpdate({ target: trackingSettings.workspaceId, set: { screenshotDeletion: "forbidden" } });
}

const shot = (w: RoleWorld, id: (s: Shots) => string) => `/api/v1/workspaces/${w.ws}/screenshots/${id(shotsOf(w))}`;
const SEE_EMPLOYEE = ["owner", "executive", "team_manager", "project_manager", "employee"] as const;
const ADMINS = ["owner", "executive"] as const;

export const screenshotCases: MatrixCase[] = [
  // Viewing: team managers reach their team's members, project managers the time on their projects.
  { name: "GET employee's screenshot taken on project A", method: "GET", path: (w) => shot(w, (s) => s.onA),
    allowed: SEE_EMPLOYEE, denied: 404, readOnly: true, prepare },
  { name: "GET employee's thumbnail taken on no project", method: "GET", path: (w) => `${shot(w, (s) => s.offA)}?variant=thumb`,
    allowed: ["owner", "executive", "team_manager", "employee"], denied: 404, readOnly: true, prepare },
  { name: "GET employee2's screenshot", method: "GET", path: (w) => shot(w, (s) => s.emp2), allowed: ADMINS, denied: 404, readOnly: true, prepare },
  { name: "GET employee's screenshots list", method: "GET",
    path: (w) => `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/screenshots?from=${shotsOf(w).base}&to=${shotsOf(w).base + 120 * MIN}`,
    allowed: SEE_EMPLOYEE, denied: 404, readOnly: true, prepare },
  // Who viewed: the member and the administrators; managers who can see the screenshot get 403.
  { name: "GET who viewed employee's screenshot", method: "GET", path: (w) => `${shot(w, (s) => s.onA)}/views`,
    allowed: ["owner", "executive", "employee"], denied: { team_manager: 403, project_manager: 403, project_viewer: 404 }, readOnly: true, prepare },

  // Deleting.
  { name: "DELETE employee's screenshot taken on project A", method: "DELETE", path: (w) => shot(w, (s) => s.onA),
    allowed: SEE_EMPLOYEE, denied: 404, prepare },
  { name: "DELETE employee2's screenshot", method: "DELETE", path: (w) => shot(w, (s) => s.emp2), allowed: ADMINS, denied: 404, prepare },
  { name: "DELETE employee's screenshot while members may not delete theirs", method: "DELETE", path: (w) => shot(w, (s) => s.onA),
    allowed: ["owner", "executive", "team_manager", "project_manager"], denied: { employee: 403, project_viewer: 404 }, prepare: prepareNoDeletion },

  // The owner's privacy toggle: managers (executives included) lose sight of others' screenshots.
  { name: "GET employee's screenshot, screenshots withheld from managers", method: "GET", path: (w) => shot(w, (s) => s.onA),
    allowed: ["owner", "employee"], denied: 404, prepare: prepareWithheld },
  { name: "GET employee's screenshots list, screenshots withheld from managers", method: "GET",
    path: (w) => `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/screenshots?from=${shotsOf(w).base}&to=${shotsOf(w).base + 120 * MIN}`,
    allowed: ["owner", "employee"], denied: 404, prepare: prepareWithheld },
  { name: "DELETE employee's screenshot, screenshots withheld from managers", method: "DELETE", path: (w) => shot(w, (s) => s.onA),
    allowed: ["owner", "employee"], denied: 404, prepare: prepareWithheld },
];
