/**
 * POST /agent/heartbeat with the live board's activity (entry, app): the same checks as a batch —
 * projects and tasks the member may record on, the workspace's privacy rules on the app, the clock
 * offset on the entry's start — seen through the owner's open board.
 */
import { describe, expect, it } from "vitest";
import { v7 } from "uuid";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { presenceOf } from "./presence";
import { agentFor, beat, beatOk, connect, entryOn } from "./support";

const settings = (token: string, ws: string, body: unknown) => api(token, "PATCH", `/api/v1/workspaces/${ws}/tracking-settings`, body);

describe("heartbeat activity", () => {
  it.each([
    ["a project of another workspace", (w: Awaited<ReturnType<typeof roleWorld>>) => ({ entry: entryOn(w.foreign.project) }), "entry.projectId", "unknown_project"],
    ["a project the member is not on", (w: Awaited<ReturnType<typeof roleWorld>>) => ({ entry: entryOn(w.projectB) }), "entry.projectId", "unknown_project"],
    ["a task of another project", (w: Awaited<ReturnType<typeof roleWorld>>) => ({ entry: entryOn(w.projectA, w.taskB) }), "entry.taskId", "unknown_task"],
    ["a task without its project", (w: Awaited<ReturnType<typeof roleWorld>>) => ({ entry: entryOn(null, w.taskA) }), "entry.taskId", "unknown_task"],
    ["a start an hour ahead of the server", (w: Awaited<ReturnType<typeof roleWorld>>) => ({ entry: entryOn(w.projectA, null, new Date(Date.now() + 3600_000)) }), "entry.start", "in_future"],
  ])("naming %s is a 422 on that field and changes nothing", async (_name, body, field, code) => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    const res = await beat(agent, { state: "tracking", ...body(w) });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([expect.objectContaining({ field, code })]);
    expect(await presenceOf(w.ws, agent.memberId)).toBeNull();
  });

  it.each([
    ["an unknown top-level field", { memberId: "someone-else" }, "memberId"],
    ["an unknown field in entry", { entry: { ...entryOn(null), billable: true } }, "entry.billable"],
    ["an unknown field in app", { app: { name: "Code", title: null, url: null, pid: 42 } }, "app.pid"],
    ["an app without a name", { app: { name: "", title: null, url: null } }, "app.name"],
    ["an entry start that is no timestamp", { entry: { ...entryOn(null), start: "yesterday" } }, "entry.start"],
  ])("%s is a 422 naming it", async (_name, extra, field) => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    const res = await beat(agent, { state: "tracking", ...extra });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await presenceOf(w.ws, agent.memberId)).toBeNull();
  });

  it("an older agent's heartbeat (state only) still counts", async () => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    await beatOk(agent, { state: "tracking" });
    const owner = await connect(w.ws, w.roles.owner.userId);
    try {
      expect(owner.row(agent.memberId)).toMatchObject({ status: "tracking", source: "desktop" });
    } finally {
      owner.close();
    }
  });

  it("the board gets the app after the workspace's privacy rules: excluded → none, query strings and fragments cut, titles only when captured", async () => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    expect((await settings(w.roles.owner.token, w.ws, { exclusions: { apps: ["KeePassXC"], domains: ["bank.example.com"], titleKeywords: ["salary"] } })).status).toBe(200);
    const owner = await connect(w.ws, w.roles.owner.userId);
    const app = () => owner.row(agent.memberId)?.app;
    try {
      await beatOk(agent, { state: "tracking", app: { name: "Firefox", title: "Docs", url: "https://docs.example.com/guide/x?token=secret#frag" } });
      await owner.until(() => app()?.name === "Firefox", "Firefox");
      expect(app()).toEqual({ name: "Firefox", title: "Docs", url: "https://docs.example.com/guide/x" });

      // Excluded app, site and title keyword: still presence (200), but no app on the board.
      for (const excluded of [
        { name: "KeePassXC", title: "Passwords", url: null },
        { name: "Firefox", title: "Login", url: "https://www.bank.example.com/login" },
        { name: "Sheets", title: "Salary review 2026", url: null },
      ]) {
        await beatOk(agent, { state: "tracking", app: { name: "Code", title: "main.ts", url: null } });
        await owner.until(() => app()?.name === "Code", "Code");
        const res = await beatOk(agent, { state: "idle", app: excluded });
        await owner.until(() => owner.row(agent.memberId)?.lastSeenAt === res.receivedAt, `heartbeat with ${excluded.name}`);
        expect(app(), excluded.name).toBeNull();
        expect(owner.row(agent.memberId)!.status).toBe("idle");
      }

      // No titles captured and no URLs: the name stays, the rest goes.
      expect((await settings(w.roles.owner.token, w.ws, { captureTitles: false, trackUrls: false })).status).toBe(200);
      await beatOk(agent, { state: "tracking", app: { name: "Firefox", title: "Docs", url: "https://docs.example.com/guide" } });
      await owner.until(() => app()?.name === "Firefox", "Firefox again");
      expect(app()).toEqual({ name: "Firefox", title: null, url: null });

      // No app tracking at all: nothing.
      expect((await settings(w.roles.owner.token, w.ws, { trackApps: false })).status).toBe(200);
      const res = await beatOk(agent, { state: "tracking", app: { name: "Code", title: "main.ts", url: null } });
      await owner.until(() => owner.row(agent.memberId)?.lastSeenAt === res.receivedAt, "the last heartbeat");
      expect(app()).toBeNull();
    } finally {
      owner.close();
    }
  });

  it("moves the entry's start by the measured clock offset and passes the member's project and task", async () => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    const behind = 90_000; // the agent's clock is 90 s behind
    const agentNow = Date.now() - behind;
    const agentStart = agentNow - 10 * 60_000;
    const res = await beatOk(agent, {
      at: new Date(agentNow).toISOString(), state: "tracking",
      entry: { id: v7(), start: new Date(agentStart).toISOString(), projectId: w.projectA, taskId: w.taskA },
    });
    const owner = await connect(w.ws, w.roles.owner.userId);
    try {
      const row = owner.row(agent.memberId)!;
      expect(row).toMatchObject({ status: "tracking", projectId: w.projectA, taskId: w.taskA, lastSeenAt: res.receivedAt });
      expect(row.timerStartedAt).toBe(agentStart + res.clockOffsetMs);
      expect(res.clockOffsetMs).toBeGreaterThanOrEqual(behind);
    } finally {
      owner.close();
    }
  });

  it("owners and executives may name any project of the workspace", async () => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.executive.token, w.ws);
    await beatOk(agent, { state: "tracking", entry: entryOn(w.projectB, w.taskB) });
    expect((await beat(agent, { state: "tracking", entry: entryOn(w.foreign.project) })).status).toBe(422);
  });
});
