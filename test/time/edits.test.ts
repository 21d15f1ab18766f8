/** Edit, split and delete: audited with what changed, overlap-checked, scoped, and under the manual-time policy. */
import { describe, expect, it } from "vitest";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentEntry, audits, daysAgo, entryRows, HOUR, ingest, iso, manual, MIN, setManualTime, stubOf, utcDate, W } from "./support";

describe("editing time entries", () => {
  it("PATCH changes the entry and audits time.entry_updated with the fields before and after", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const e = await manual(w, emp.token, { start: iso(start), end: iso(start + 2 * HOUR), note: "draft" });
    const res = await api(emp.token, "PATCH", W(w, `/time-entries/${e.id}`), { end: iso(start + HOUR), note: "Final", projectId: w.projectA, taskId: w.taskA });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ end: iso(start + HOUR), note: "Final", projectId: w.projectA, taskId: w.taskA, durationSeconds: 3600 });
    const [audit] = await audits(w.ws, "time.entry_updated");
    expect(audit!.targetId).toBe(e.id);
    expect(audit!.data).toEqual({
      memberId: emp.memberId,
      before: { end: iso(start + 2 * HOUR), projectId: null, taskId: null, note: "draft" },
      after: { end: iso(start + HOUR), projectId: w.projectA, taskId: w.taskA, note: "Final" },
    });
    // Rollups follow the edit.
    expect(await stubOf(w.ws).rollups(emp.memberId, utcDate(start), utcDate(start))).toMatchObject([{ projectId: w.projectA, taskId: w.taskA, trackedS: 3600 }]);
    // An unchanged PATCH writes and audits nothing.
    await api(emp.token, "PATCH", W(w, `/time-entries/${e.id}`), { note: "Final" });
    expect(await audits(w.ws, "time.entry_updated")).toHaveLength(1);
  });

  it("an edit that would overlap names the other entry and changes nothing", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const a = await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR) });
    const b = await manual(w, emp.token, { start: iso(start + 2 * HOUR), end: iso(start + 3 * HOUR) });
    const before = await entryRows(w.ws);
    const res = await api(emp.token, "PATCH", W(w, `/time-entries/${a.id}`), { end: iso(start + 2 * HOUR + 30 * MIN) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("time_entry_overlaps");
    expect(res.body.detail).toContain(b.id);
    expect(await entryRows(w.ws)).toEqual(before);
    expect(await audits(w.ws, "time.entry_updated")).toHaveLength(0);
  });

  it("split makes two entries at `at`, audited as time.entry_split; outside the entry is a 422", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const e = await manual(w, emp.token, { start: iso(start), end: iso(start + 2 * HOUR), projectId: w.projectA, note: "n" });
    const outside = await api(emp.token, "POST", W(w, `/time-entries/${e.id}/split`), { at: iso(start + 3 * HOUR) });
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0].field).toBe("at");

    const res = await api(emp.token, "POST", W(w, `/time-entries/${e.id}/split`), { at: iso(start + 45 * MIN) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.first).toMatchObject({ id: e.id, start: iso(start), end: iso(start + 45 * MIN), projectId: w.projectA, note: "n" });
    expect(res.body.second).toMatchObject({ start: iso(start + 45 * MIN), end: iso(start + 2 * HOUR), projectId: w.projectA, note: "n", approval: "approved" });
    const [audit] = await audits(w.ws, "time.entry_split");
    expect(audit!.data).toMatchObject({ memberId: emp.memberId, at: iso(start + 45 * MIN), first: { id: e.id }, second: { id: res.body.second.id } });
    const day = await api(emp.token, "GET", W(w, `/members/${emp.memberId}/day?date=${utcDate(start)}`));
    expect(day.body.entries).toHaveLength(2);
    expect(day.body.totals.trackedSeconds).toBe(7200);
  });

  it("a running entry is not split", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const started = await api(emp.token, "POST", W(w, "/timer/start"), {});
    const res = await api(emp.token, "POST", W(w, `/time-entries/${started.body.id}/split`), { at: iso(Date.now() - MIN) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("time_entry_running");
  });

  it("DELETE removes the entry from every read, audited as time.entry_deleted with its content", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const e = await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR), note: "gone soon" });
    expect((await api(emp.token, "DELETE", W(w, `/time-entries/${e.id}`))).status).toBe(204);
    expect((await api(emp.token, "GET", W(w, `/time-entries/${e.id}`))).status).toBe(404);
    const day = await api(emp.token, "GET", W(w, `/members/${emp.memberId}/day?date=${utcDate(start)}`));
    expect(day.body.entries).toEqual([]);
    expect(day.body.totals.trackedSeconds).toBe(0);
    expect(await audits(w.ws, "time.entry_deleted")).toMatchObject([{ targetId: e.id, data: { memberId: emp.memberId, note: "gone soon", start: iso(start) } }]);
    // The time is free again.
    await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR) });
  });

  it("members change only their own entries; owners and executives anyone's, without the manual-time policy", async () => {
    const w = await roleWorld();
    await setManualTime(w.ws, "forbidden");
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const item = agentEntry(start, start + HOUR, { projectId: w.projectA });
    await ingest(w.ws, emp.memberId, "UTC", [item]);
    const longer = { end: iso(start + 2 * HOUR) };

    const tm = await api(w.roles.team_manager.token, "PATCH", W(w, `/time-entries/${item.id}`), longer);
    expect(tm.status).toBe(403); // visible to the team manager, not theirs to change
    expect((await api(w.employee2.token, "PATCH", W(w, `/time-entries/${item.id}`), longer)).status).toBe(404);

    // Under 'forbidden' the employee may shorten but not lengthen their own entry.
    const own = await api(emp.token, "PATCH", W(w, `/time-entries/${item.id}`), longer);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe("manual_time_forbidden");
    expect((await api(emp.token, "PATCH", W(w, `/time-entries/${item.id}`), { end: iso(start + 30 * MIN) })).status).toBe(200);

    const owner = await api(w.roles.owner.token, "PATCH", W(w, `/time-entries/${item.id}`), longer);
    expect(owner.status).toBe(200);
    const audit = (await audits(w.ws, "time.entry_updated")).at(-1)!;
    expect(audit).toMatchObject({ actorUserId: w.roles.owner.userId, data: { memberId: emp.memberId, after: { end: iso(start + 2 * HOUR) } } });
  });

  it("under 'approval', lengthening one's own entry needs a reason and makes it pending", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const e = await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR) });
    await setManualTime(w.ws, "approval");
    const noReason = await api(emp.token, "PATCH", W(w, `/time-entries/${e.id}`), { start: iso(start - HOUR) });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors[0].field).toBe("reason");
    const res = await api(emp.token, "PATCH", W(w, `/time-entries/${e.id}`), { start: iso(start - HOUR), reason: "Started earlier" });
    expect(res.body).toMatchObject({ approval: "pending", reason: "Started earlier" });
  });

  it("an edit after the agent's revision keeps the agent's late replay stale", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const item = agentEntry(start, start + HOUR, { rev: 2 });
    await ingest(w.ws, emp.memberId, "UTC", [item]);
    await api(emp.token, "PATCH", W(w, `/time-entries/${item.id}`), { note: "edited on the web" });
    const replay = await stubOf(w.ws).ingest({ memberId: emp.memberId, deviceId: "device-1", timeZone: "UTC", clockOffsetMs: 0, receivedAt: Date.now(), items: [item] });
    expect(replay[0]!.status).toBe("duplicate");
    const [row] = await entryRows(w.ws);
    expect(row).toMatchObject({ note: "edited on the web", rev: 3 });
  });
});
