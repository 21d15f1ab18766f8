/** Manual entries under each manual-time policy, approvals, overlaps and bad input. */
import { describe, expect, it } from "vitest";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentEntry, audits, daysAgo, entryRows, HOUR, ingest, iso, manual, setManualTime, stubOf, utcDate, W } from "./support";

describe("manual entries", () => {
  it("'allowed': stored approved with its reason, audited as time.entry_created", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const res = await api(emp.token, "POST", W(w, "/time-entries"), {
      start: iso(start), end: iso(start + 2 * HOUR), projectId: w.projectA, note: "Workshop", reason: "Offline at the client",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ approval: "approved", reason: "Offline at the client", source: "api", durationSeconds: 7200, projectName: "Project A" });
    const [audit] = await audits(w.ws, "time.entry_created");
    expect(audit).toMatchObject({ targetId: res.body.id, actorUserId: emp.userId, data: { memberId: emp.memberId, reason: "Offline at the client", approval: "approved" } });
    const day = await api(emp.token, "GET", W(w, `/members/${emp.memberId}/day?date=${utcDate(start)}`));
    expect(day.body.totals.trackedSeconds).toBe(7200);
  });

  it("'forbidden': 403 manual_time_forbidden and nothing stored", async () => {
    const w = await roleWorld();
    await setManualTime(w.ws, "forbidden");
    const start = daysAgo(1, 9);
    const res = await api(w.roles.employee.token, "POST", W(w, "/time-entries"), { start: iso(start), end: iso(start + HOUR), reason: "x" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("manual_time_forbidden");
    expect(await entryRows(w.ws)).toHaveLength(0);
    expect(await audits(w.ws, "time.entry_created")).toHaveLength(0);
  });

  it("'approval': pending (not counted) until a manager in scope approves; nobody approves their own", async () => {
    const w = await roleWorld();
    await setManualTime(w.ws, "approval");
    const emp = w.roles.employee;
    const start = daysAgo(2, 9);
    const date = utcDate(start);
    const entry = await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR), projectId: w.projectA });
    expect(entry.approval).toBe("pending");

    const day = await api(emp.token, "GET", W(w, `/members/${emp.memberId}/day?date=${date}`));
    expect(day.body.entries[0].approval).toBe("pending");
    expect(day.body.totals).toMatchObject({ trackedSeconds: 0, pendingSeconds: 3600 });
    expect(await stubOf(w.ws).rollups(emp.memberId, date, date)).toEqual([]);

    // The employee cannot decide; an executive's own pending entry cannot be self-approved either.
    expect((await api(emp.token, "POST", W(w, `/time-entries/${entry.id}/approve`))).status).toBe(403);
    const own = await manual(w, w.roles.executive.token, { start: iso(start), end: iso(start + HOUR) });
    const self = await api(w.roles.executive.token, "POST", W(w, `/time-entries/${own.id}/approve`));
    expect(self.status).toBe(403);
    expect(self.body.code).toBe("self_approval");

    // The team manager of the employee's team approves.
    const ok = await api(w.roles.team_manager.token, "POST", W(w, `/time-entries/${entry.id}/approve`));
    expect(ok.status).toBe(200);
    expect(ok.body.approval).toBe("approved");
    expect(await audits(w.ws, "time.entry_approved")).toMatchObject([{ targetId: entry.id, actorUserId: w.roles.team_manager.userId }]);
    const after = await api(emp.token, "GET", W(w, `/members/${emp.memberId}/day?date=${date}`));
    expect(after.body.totals).toMatchObject({ trackedSeconds: 3600, pendingSeconds: 0 });
    expect(await stubOf(w.ws).rollups(emp.memberId, date, date)).toMatchObject([{ projectId: w.projectA, trackedS: 3600 }]);

    const twice = await api(w.roles.owner.token, "POST", W(w, `/time-entries/${entry.id}/reject`));
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("not_pending");
  });

  it("a rejected entry holds no time: the member can add the hours again, and cannot edit the rejected one", async () => {
    const w = await roleWorld();
    await setManualTime(w.ws, "approval");
    const emp = w.roles.employee;
    const start = daysAgo(2, 13);
    const entry = await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR), projectId: w.projectA });
    const rejected = await api(w.roles.project_manager.token, "POST", W(w, `/time-entries/${entry.id}/reject`));
    expect(rejected.status).toBe(200);
    expect(rejected.body.approval).toBe("rejected");
    expect(await audits(w.ws, "time.entry_rejected")).toHaveLength(1);
    const edit = await api(emp.token, "PATCH", W(w, `/time-entries/${entry.id}`), { note: "please" });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe("time_entry_rejected");
    await manual(w, emp.token, { start: iso(start), end: iso(start + HOUR), reason: "Second try" });
  });

  it("an overlap is refused naming the conflicting entry, and stores nothing", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const start = daysAgo(1, 9);
    const first = await manual(w, emp.token, { start: iso(start), end: iso(start + 2 * HOUR) });
    const before = await entryRows(w.ws);
    const res = await api(emp.token, "POST", W(w, "/time-entries"), { start: iso(start + HOUR), end: iso(start + 3 * HOUR), reason: "again" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("time_entry_overlaps");
    expect(res.body.detail).toContain(first.id);
    expect(await entryRows(w.ws)).toEqual(before);
    // Touching ends do not overlap.
    await manual(w, emp.token, { start: iso(start + 2 * HOUR), end: iso(start + 3 * HOUR) });
  });

  it("nothing can be slipped under a running timer, whichever device runs it", async () => {
    const w = await roleWorld();
    const emp = w.roles.employee;
    const running = agentEntry(Date.now() - 3 * HOUR, null);
    await ingest(w.ws, emp.memberId, "UTC", [running]);
    const res = await api(emp.token, "POST", W(w, "/time-entries"), { start: iso(Date.now() - 2 * HOUR), end: iso(Date.now() - HOUR), reason: "x" });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(running.id);
  });

  it("bad input is a 422 naming the field, and stores nothing", async () => {
    const w = await roleWorld();
    const t = w.roles.employee.token;
    const start = daysAgo(1, 9);
    const cases: [Record<string, unknown>, string][] = [
      [{ start: iso(start), end: iso(start + HOUR) }, "reason"],
      [{ start: iso(start), end: iso(start + HOUR), reason: "   " }, "reason"],
      [{ start: iso(start), end: iso(start + HOUR), reason: "x".repeat(501) }, "reason"],
      [{ start: iso(start), end: iso(start - HOUR), reason: "x" }, "end"],
      [{ start: iso(start), end: iso(start + 8 * 24 * HOUR), reason: "x" }, "end"],
      [{ start: iso(Date.now()), end: iso(Date.now() + 2 * HOUR), reason: "x" }, "end"],
      [{ start: "yesterday", end: iso(start), reason: "x" }, "start"],
      [{ start: iso(start), end: iso(start + HOUR), reason: "x", source: "desktop" }, "source"],
    ];
    for (const [body, field] of cases) {
      const res = await api(t, "POST", W(w, "/time-entries"), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field);
    }
    expect(await entryRows(w.ws)).toHaveLength(0);
  });
});
