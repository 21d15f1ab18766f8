/** The timer from the API: start, conflicts, project/task checks, stop (also of a desktop timer). */
import { describe, expect, it } from "vitest";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { projects } from "../../worker/db/schema";
import { eq } from "drizzle-orm";
import { agentEntry, entryRows, HOUR, ingest, stubOf, W } from "./support";

describe("timer", () => {
  it("starts, refuses a second start naming the running entry, stops, and reports what runs", async () => {
    const w = await roleWorld();
    const t = w.roles.employee.token;
    expect((await api(t, "GET", W(w, "/timer"))).body).toBeNull();

    const started = await api(t, "POST", W(w, "/timer/start"), { projectId: w.projectA, taskId: w.taskA, note: "Spec review" });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ projectId: w.projectA, projectName: "Project A", taskId: w.taskA, taskName: "Task A", end: null, source: "api", approval: "approved", note: "Spec review" });
    expect(Math.abs(Date.parse(started.body.start) - Date.now())).toBeLessThan(60_000);

    const running = await api(t, "GET", W(w, "/timer"));
    expect(running.body.id).toBe(started.body.id);

    const again = await api(t, "POST", W(w, "/timer/start"), {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("timer_running");
    expect(again.body.detail).toContain(started.body.id);
    expect(await entryRows(w.ws)).toHaveLength(1);

    const stopped = await api(t, "POST", W(w, "/timer/stop"));
    expect(stopped.status).toBe(200);
    expect(stopped.body.id).toBe(started.body.id);
    expect(Date.parse(stopped.body.end)).toBeGreaterThan(Date.parse(stopped.body.start));
    expect((await api(t, "GET", W(w, "/timer"))).body).toBeNull();

    const none = await api(t, "POST", W(w, "/timer/stop"));
    expect(none.status).toBe(409);
    expect(none.body.code).toBe("no_timer_running");
  });

  it("only on projects the member is assigned to, and tasks of that project (404 naming the field)", async () => {
    const w = await roleWorld();
    const t = w.roles.employee.token;
    const cases: [Record<string, unknown>, string][] = [
      [{ projectId: w.projectB }, "projectId"], // exists, but the employee is not on it
      [{ projectId: w.foreign.project }, "projectId"], // another workspace
      [{ projectId: w.projectA, taskId: w.taskB }, "taskId"], // a task of another project
      [{ taskId: w.foreign.task }, "taskId"],
    ];
    for (const [body, field] of cases) {
      const res = await api(t, "POST", W(w, "/timer/start"), body);
      expect(res.status, JSON.stringify(body)).toBe(404);
      expect(res.body.errors[0].field).toBe(field);
    }
    expect(await entryRows(w.ws)).toHaveLength(0);

    // A task alone implies its project.
    const ok = await api(t, "POST", W(w, "/timer/start"), { taskId: w.taskA });
    expect(ok.status).toBe(201);
    expect(ok.body.projectId).toBe(w.projectA);
  });

  it("takes the project's billable flag unless told otherwise; unknown fields are refused", async () => {
    const w = await roleWorld();
    await ctx().db.update(projects).set({ billable: false }).where(eq(projects.id, w.projectA));
    const t = w.roles.employee.token;
    const res = await api(t, "POST", W(w, "/timer/start"), { projectId: w.projectA });
    expect(res.body.billable).toBe(false);
    await api(t, "POST", W(w, "/timer/stop"));
    const bad = await api(t, "POST", W(w, "/timer/start"), { projectId: w.projectA, memberId: w.roles.owner.memberId });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("memberId");
  });

  it("project viewers record no time", async () => {
    const w = await roleWorld();
    const res = await api(w.roles.project_viewer.token, "POST", W(w, "/timer/start"), {});
    expect(res.status).toBe(403);
    expect(await entryRows(w.ws)).toHaveLength(0);
  });

  it("stops a timer the desktop agent started, above the agent's revision so its late replay stays stale", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const item = agentEntry(Date.now() - HOUR, null, { projectId: w.projectA, rev: 3 });
    await ingest(w.ws, emp.memberId, "UTC", [item]);
    const shown = await api(emp.token, "GET", W(w, "/timer"));
    expect(shown.body).toMatchObject({ id: item.id, source: "desktop" });

    const stopped = await api(emp.token, "POST", W(w, "/timer/stop"));
    expect(stopped.status).toBe(200);
    const [row] = await entryRows(w.ws);
    expect(row!.rev).toBe(4);
    expect(row!.end_ms).not.toBeNull();

    // The agent re-sends what it had: answered duplicate (stale), nothing changes.
    const replay = await stubOf(w.ws).ingest({ memberId: emp.memberId, deviceId: "device-1", timeZone: "UTC", clockOffsetMs: 0, receivedAt: Date.now(), items: [item] });
    expect(replay[0]!.status).toBe("duplicate");
    expect((await entryRows(w.ws))[0]!.end_ms).toBe(row!.end_ms);
  });

  it("will not start while another entry covers now", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const item = agentEntry(Date.now() - HOUR, Date.now() + 2 * 60_000);
    await ingest(w.ws, emp.memberId, "UTC", [item]);
    const res = await api(emp.token, "POST", W(w, "/timer/start"), {});
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("time_entry_overlaps");
    expect(res.body.detail).toContain(item.id);
  });
});
