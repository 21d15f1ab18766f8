/**
 * The timesheet page: renders for every role under the CSP, shows each role its scope of a member's
 * day, and its forms (timer, manual entry, edit, delete, approve) go through the same services as the API.
 */
import { describe, expect, it } from "vitest";
import { ROLES } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { cspSafe, signedIn } from "../ui/session";
import { agentEntry, audits, entryRows, ingest, manual, setManualTime, setTimeZone, slot, usage, W } from "./support";

const T = (s: string) => Date.parse(`2025-03-${s}Z`);
const page = (w: RoleWorld, query = "") => `/w/${w.ws}/time${query}`;

async function render(w: RoleWorld, userId: string, query = "") {
  const b = await signedIn(userId);
  const res = await b.fetch(page(w, query));
  return { status: res.status, html: await res.text(), csp: res.headers.get("content-security-policy") };
}

/** The employee's 10 March in Berlin: one hour on project A (with activity and apps) and one on project B. */
async function employeeDay(w: RoleWorld) {
  await setTimeZone(w.roles.employee.memberId, "Europe/Berlin");
  await ingest(w.ws, w.roles.employee.memberId, "Europe/Berlin", [
    agentEntry(T("10T08:00:00"), T("10T09:00:00"), { projectId: w.projectA, note: "Alpha work" }),
    agentEntry(T("10T10:00:00"), T("10T11:00:00"), { projectId: w.projectB, note: "Beta work" }),
    slot(T("10T08:00:00"), 600, 600), slot(T("10T10:00:00"), 600, 120),
    usage(T("10T08:00:00"), T("10T08:20:00"), "AlphaEditor"), usage(T("10T10:00:00"), T("10T10:20:00"), "BetaBrowser", "https://beta.example/x"),
  ], T("11T00:00:00"));
}

describe("timesheet page", () => {
  it.each(ROLES)("renders the own timesheet for %s, CSP-safe, with the timer only for those who track", async (role) => {
    const w = await roleWorld();
    const r = await render(w, w.roles[role].userId);
    expect(r.status).toBe(200);
    expect(cspSafe(r.html, r.csp)).toMatchObject({ inlineStyles: 0, scriptsWithoutNonce: 0 });
    expect(r.html).toContain("My time");
    expect(r.html.includes("Start timer"), role).toBe(role !== "project_viewer");
    expect(r.html.includes("Add time by hand"), role).toBe(role !== "project_viewer");
  });

  it("each role sees its scope of the employee's day", async () => {
    const w = await roleWorld();
    await employeeDay(w);
    const q = `?member=${w.roles.employee.memberId}&date=2025-03-10`;
    const seen = async (role: keyof RoleWorld["roles"]) => {
      const r = await render(w, w.roles[role].userId, q);
      expect(r.status, role).toBe(200);
      expect(cspSafe(r.html, r.csp), role).toMatchObject({ inlineStyles: 0, scriptsWithoutNonce: 0 });
      return r.html;
    };
    for (const role of ["owner", "executive", "team_manager", "employee"] as const) {
      const html = await seen(role);
      for (const text of ["Alpha work", "Beta work", "AlphaEditor", "beta.example", "09:00 – 100% active", "11:00 – 20% active"]) expect(html, `${role} ${text}`).toContain(text);
    }
    const pm = await seen("project_manager");
    expect(pm).toContain("Alpha work");
    expect(pm).toContain("AlphaEditor");
    expect(pm).toContain("09:00 – 100% active");
    for (const text of ["Beta work", "BetaBrowser", "beta.example", "11:00 – 20% active"]) expect(pm, text).not.toContain(text);
    const viewer = await seen("project_viewer");
    expect(viewer).toContain("Alpha work");
    for (const text of ["Beta work", "AlphaEditor", "100% active", "slot-strip"]) expect(viewer, text).not.toContain(text);
    // Berlin local times (UTC+1 in March).
    expect(await seen("owner")).toContain("09:00–10:00");

    expect((await render(w, w.employee2.userId, q)).status).toBe(404);
    expect((await render(w, w.roles.team_manager.userId, `?member=${w.employee2.memberId}`)).status).toBe(404);
    expect((await render(w, w.roles.employee.userId, "?member=not-an-id")).status).toBe(404);
  });

  it("starts and stops the timer through the form", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const b = await signedIn(emp.userId);
    const start = await b.fetch(page(w), { method: "POST", form: { intent: "start", projectId: w.projectA, taskId: "", note: "From the browser" } });
    expect(start.status).toBe(200);
    const html = await start.text();
    expect(html).toContain("Timer started.");
    expect(html).toContain("Stop timer");
    const running = await api(emp.token, "GET", W(w, "/timer"));
    expect(running.body).toMatchObject({ source: "web", projectId: w.projectA, note: "From the browser", end: null });

    const stop = await b.fetch(page(w), { method: "POST", form: { intent: "stop" } });
    expect(await stop.text()).toContain("Timer stopped");
    expect((await api(emp.token, "GET", W(w, "/timer"))).body).toBeNull();

    // A project the member is not on is a field error on the form, not an error page.
    const bad = await b.fetch(page(w), { method: "POST", form: { intent: "start", projectId: w.projectB } });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("No such project");
    expect(await entryRows(w.ws)).toHaveLength(1);
  });

  it("adds manual time in the member's zone, under the workspace policy", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    await setTimeZone(emp.memberId, "Asia/Tokyo");
    const b = await signedIn(emp.userId);
    const form = { intent: "manual", date: "2025-03-10", start: "09:00", end: "10:30", projectId: "", taskId: "", note: "Call", reason: "No laptop" };
    const res = await b.fetch(page(w, "?date=2025-03-10"), { method: "POST", form });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Time added.");
    const [row] = await entryRows(w.ws);
    expect(row).toMatchObject({ start_ms: T("10T00:00:00"), end_ms: T("10T01:30:00"), reason: "No laptop", source: "web", approval: "approved" });

    const missing = await b.fetch(page(w), { method: "POST", form: { ...form, date: "2025-03-11", reason: "" } });
    expect(missing.status).toBe(422);

    await setManualTime(w.ws, "forbidden");
    const refused = await b.fetch(page(w), { method: "POST", form: { ...form, date: "2025-03-12" } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("does not allow adding time by hand");
    const html = (await render(w, emp.userId)).html;
    expect(html).not.toContain("Add time by hand");
    expect(await entryRows(w.ws)).toHaveLength(1);
  });

  it("edits, splits and deletes an entry through the forms, audited", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const e = await manual(w, emp.token, { start: "2025-03-10T08:00:00Z", end: "2025-03-10T10:00:00Z", note: "old" });
    const b = await signedIn(emp.userId);
    const editPage = await b.fetch(page(w, `?date=2025-03-10&edit=${e.id}`));
    const html = await editPage.text();
    expect(html).toContain("Save entry");
    expect(html).toContain('value="2025-03-10T08:00"');

    const saved = await b.fetch(page(w, `?date=2025-03-10&edit=${e.id}`), {
      method: "POST", form: { intent: "update", entryId: e.id, start: "2025-03-10T08:30", end: "2025-03-10T10:00", projectId: w.projectA, taskId: "", note: "new", reason: "" },
    });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/w/${w.ws}/time?date=2025-03-10`);
    expect(await audits(w.ws, "time.entry_updated")).toHaveLength(1);

    const split = await b.fetch(page(w, "?date=2025-03-10"), { method: "POST", form: { intent: "split", entryId: e.id, at: "2025-03-10T09:00" } });
    expect(await split.text()).toContain("Entry split in two.");
    expect((await entryRows(w.ws)).filter((r) => r.deleted_at === null)).toHaveLength(2);

    const del = await b.fetch(page(w, "?date=2025-03-10"), { method: "POST", form: { intent: "delete", entryId: e.id } });
    expect(await del.text()).toContain("Entry deleted.");
    expect(await audits(w.ws, "time.entry_deleted")).toHaveLength(1);

    // Someone else's entry: not found for the employee2, refused for the team manager who can see it.
    const e2 = await manual(w, emp.token, { start: "2025-03-11T08:00:00Z", end: "2025-03-11T09:00:00Z" });
    expect((await (await signedIn(w.employee2.userId)).fetch(page(w), { method: "POST", form: { intent: "delete", entryId: e2.id } })).status).toBe(404);
    expect((await (await signedIn(w.roles.team_manager.userId)).fetch(page(w), { method: "POST", form: { intent: "delete", entryId: e2.id } })).status).toBe(403);
  });

  it("a team manager approves pending time from the member's page; a cross-site post is refused", async () => {
    const w = await roleWorld();
    await setManualTime(w.ws, "approval");
    const e = await manual(w, w.roles.employee.token, { start: "2025-03-10T08:00:00Z", end: "2025-03-10T09:00:00Z" });
    const b = await signedIn(w.roles.team_manager.userId);
    const q = `?member=${w.roles.employee.memberId}&date=2025-03-10`;
    const html = (await (await b.fetch(page(w, q))).text());
    expect(html).toContain("Pending approval");
    expect(html).toContain("Approve");

    const forged = await b.fetch(page(w, q), { method: "POST", form: { intent: "approve", entryId: e.id }, headers: { origin: "https://evil.example" } });
    expect(forged.status).toBe(403);
    expect(await audits(w.ws, "time.entry_approved")).toHaveLength(0);

    const ok = await b.fetch(page(w, q), { method: "POST", form: { intent: "approve", entryId: e.id } });
    expect(await ok.text()).toContain("Entry approved.");
    expect(await audits(w.ws, "time.entry_approved")).toHaveLength(1);
  });
});
