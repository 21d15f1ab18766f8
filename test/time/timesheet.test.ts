/**
 * The day and week views: local days in the member's zone (New York, across the 2025 DST switch),
 * and what each role sees of the same day (PRODUCT.md role table).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { workspaces } from "../../worker/db/schema";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentEntry, idle, ingest, setTimeZone, slot, usage, W } from "./support";

const T = (s: string) => Date.parse(`2025-03-${s}Z`);
const NY = "America/New_York";

/** The employee's Monday 2025-03-10 in New York (UTC-4 since the switch on Sunday 03-09). */
async function employeeDay(w: RoleWorld) {
  const emp = w.roles.employee;
  await setTimeZone(emp.memberId, NY);
  const e = {
    early: agentEntry(T("10T02:00:00"), T("10T03:00:00")), // Sunday 22:00–23:00 local
    a: agentEntry(T("10T13:00:00"), T("10T14:00:00"), { projectId: w.projectA }), // 09:00–10:00 on project A
    b: agentEntry(T("10T15:00:00"), T("10T16:00:00"), { projectId: w.projectB }), // 11:00–12:00 on project B
    late: agentEntry(T("11T03:00:00"), T("11T05:00:00")), // 23:00–01:00, across local midnight
  };
  await ingest(w.ws, emp.memberId, NY, [
    ...Object.values(e),
    slot(T("10T13:00:00"), 600, 540), slot(T("10T13:10:00"), 600, 60), slot(T("10T15:00:00"), 600, 300), slot(T("11T03:00:00"), 600, 0),
    usage(T("10T13:00:00"), T("10T13:30:00"), "Code", "https://github.com/acme/app"),
    usage(T("10T15:00:00"), T("10T15:30:00"), "Figma", "https://www.figma.com/file/abc"),
    usage(T("10T10:00:00"), T("10T10:20:00"), "Slack"),
    idle(T("10T13:40:00"), T("10T13:50:00")), idle(T("10T15:40:00"), T("10T15:50:00")),
  ], T("12T00:00:00"));
  return e;
}

const dayOf = (w: RoleWorld, token: string, date = "2025-03-10", memberId = w.roles.employee.memberId) =>
  api(token, "GET", W(w, `/members/${memberId}/day?date=${date}`));
const ids = (body: { entries: { id: string }[] }) => body.entries.map((x) => x.id);

describe("timesheet views", () => {
  let w: RoleWorld;
  let e: Awaited<ReturnType<typeof employeeDay>>;
  beforeAll(async () => {
    w = await roleWorld();
    e = await employeeDay(w);
  });

  it("a day is the member's local day: entries, slots, usage and idle inside it, time clipped at midnight", async () => {
    const res = await dayOf(w, w.roles.employee.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body;
    expect(d).toMatchObject({ from: "2025-03-10", to: "2025-03-10", start: "2025-03-10T04:00:00.000Z", end: "2025-03-11T04:00:00.000Z", member: { timeZone: NY } });
    expect(ids(d)).toEqual([e.a.id, e.b.id, e.late.id]);
    expect(d.totals.trackedSeconds).toBe(3 * 3600); // 1 h + 1 h + the hour before local midnight
    expect(d.slots.map((s: { start: string }) => s.start)).toEqual([
      "2025-03-10T13:00:00.000Z", "2025-03-10T13:10:00.000Z", "2025-03-10T15:00:00.000Z", "2025-03-11T03:00:00.000Z",
    ]);
    expect(d.slots[0].activityPercent).toBe(90);
    expect(d.apps.map((a: { app: string }) => a.app).sort()).toEqual(["Code", "Figma", "Slack"]);
    expect(d.sites).toEqual([{ host: "github.com", seconds: 1800 }, { host: "www.figma.com", seconds: 1800 }]);
    expect(d.idle).toHaveLength(2);
    expect(d.totals.byProject).toEqual(expect.arrayContaining([
      { projectId: w.projectA, projectName: "Project A", trackedSeconds: 3600, pendingSeconds: 0 },
      { projectId: null, projectName: null, trackedSeconds: 3600, pendingSeconds: 0 },
    ]));

    const next = (await dayOf(w, w.roles.employee.token, "2025-03-11")).body;
    expect(ids(next)).toEqual([e.late.id]);
    expect(next.totals.trackedSeconds).toBe(3600);
  });

  it("the DST day is 23 hours long; a week counts per local day", async () => {
    const sunday = (await dayOf(w, w.roles.employee.token, "2025-03-09")).body;
    expect(sunday).toMatchObject({ start: "2025-03-09T05:00:00.000Z", end: "2025-03-10T04:00:00.000Z" });
    expect(ids(sunday)).toEqual([e.early.id]);

    const week = await api(w.roles.employee.token, "GET", W(w, `/members/${w.roles.employee.memberId}/week?start=2025-03-09`));
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ from: "2025-03-09", to: "2025-03-15" });
    expect(week.body.totals.byDay.slice(0, 3)).toEqual([
      { date: "2025-03-09", trackedSeconds: 3600 }, { date: "2025-03-10", trackedSeconds: 3 * 3600 }, { date: "2025-03-11", trackedSeconds: 3600 },
    ]);
    expect(week.body.totals.trackedSeconds).toBe(5 * 3600);
  });

  it("a project manager sees the project-A entry and the activity and usage of that hour, nothing of project B", async () => {
    const d = (await dayOf(w, w.roles.project_manager.token)).body;
    expect(ids(d)).toEqual([e.a.id]);
    expect(d.visibility).toEqual({ allProjects: false, activity: "entries", apps: "entries" });
    expect(d.slots.map((s: { start: string }) => s.start)).toEqual(["2025-03-10T13:00:00.000Z", "2025-03-10T13:10:00.000Z"]);
    expect(d.apps.map((a: { app: string }) => a.app)).toEqual(["Code"]);
    expect(d.sites).toEqual([{ host: "github.com", seconds: 1800 }]);
    expect(d.idle).toHaveLength(1);
    expect(d.totals.trackedSeconds).toBe(3600);
    expect(JSON.stringify(d)).not.toContain(w.projectB);
    expect(JSON.stringify(d)).not.toContain("Figma");
    // The project-B entry itself is not found for them.
    expect((await api(w.roles.project_manager.token, "GET", W(w, `/time-entries/${e.b.id}`))).status).toBe(404);
    expect((await api(w.roles.project_manager.token, "GET", W(w, `/time-entries/${e.a.id}`))).status).toBe(200);
  });

  it("a project viewer sees project time only: no activity, idle, apps or sites", async () => {
    const d = (await dayOf(w, w.roles.project_viewer.token)).body;
    expect(ids(d)).toEqual([e.a.id]);
    expect(d).toMatchObject({ slots: null, idle: null, apps: null, sites: null, visibility: { allProjects: false, activity: "none", apps: "none" } });
    expect(d.totals.activityPercent).toBeNull();
  });

  it("the team manager and the owner see the whole day; members outside one's scope are 404", async () => {
    for (const role of ["team_manager", "owner", "executive"] as const) {
      const d = (await dayOf(w, w.roles[role].token)).body;
      expect(ids(d), role).toEqual([e.a.id, e.b.id, e.late.id]);
      expect(d.apps, role).toHaveLength(3);
    }
    expect((await dayOf(w, w.employee2.token)).status).toBe(404);
    expect((await dayOf(w, w.roles.employee.token, "2025-03-10", w.employee2.memberId)).status).toBe(404);
    expect((await dayOf(w, w.roles.team_manager.token, "2025-03-10", w.employee2.memberId)).status).toBe(404);
    expect((await dayOf(w, w.roles.project_manager.token, "2025-03-10", w.employee2.memberId)).status).toBe(404);
    expect((await dayOf(w, w.foreign.owner.token)).status).toBe(404);
  });

  it("bad dates are 422", async () => {
    for (const date of ["2025-02-30", "10.03.2025", "1999-12-31", ""]) {
      expect((await dayOf(w, w.roles.employee.token, date)).status, date).toBe(422);
    }
  });
});

describe("owner privacy toggle", () => {
  it("with managers-see-apps off, the team manager still sees time and activity but not apps and sites; the owner does", async () => {
    const w = await roleWorld();
    await employeeDay(w);
    await ctx().db.update(workspaces).set({ managersSeeApps: false }).where(eq(workspaces.id, w.ws));
    const tm = (await dayOf(w, w.roles.team_manager.token)).body;
    expect(tm.entries).toHaveLength(3);
    expect(tm.slots).toHaveLength(4);
    expect(tm.apps).toBeNull();
    expect(tm.sites).toBeNull();
    expect((await dayOf(w, w.roles.owner.token)).body.apps).toHaveLength(3);
    expect((await dayOf(w, w.roles.employee.token)).body.apps).toHaveLength(3);
  });
});
