/**
 * Changes in D1 reach open sockets without a reload (issue 5): a changed scope brings a fresh
 * snapshot with the new scope; a member who is removed or deactivated has their socket closed
 * with 4403 and their row leaves everyone else's board. Also: the web timer shows up live.
 */
import { describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentFor, beatOk, closeAll, connect, entryOn, settle, type Viewer } from "./support";

/** employee on projectA, employee2 on projectB, both tracking. */
async function trackingWorld() {
  const w = await roleWorld();
  await beatOk(await agentFor(w.roles.employee.token, w.ws), { state: "tracking", entry: entryOn(w.projectA, w.taskA) });
  await beatOk(await agentFor(w.employee2.token, w.ws), { state: "tracking", entry: entryOn(w.projectB, w.taskB) });
  return w;
}

const ok = (res: { status: number; body: unknown }, status = 200) => expect(res.status, JSON.stringify(res.body)).toBe(status);

describe("rescoping open sockets", () => {
  it("a role change sends a fresh snapshot with the new scope, both ways", async () => {
    const w = await trackingWorld();
    const viewers: Viewer[] = [];
    try {
      const employee = await connect(w.ws, w.roles.employee.userId);
      const manager = await connect(w.ws, w.roles.team_manager.userId);
      viewers.push(employee, manager);
      expect([...employee.board.keys()]).toEqual([w.roles.employee.memberId]);
      expect(manager.board.has(w.roles.employee.memberId)).toBe(true);

      ok(await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}`, { role: "executive" }));
      ok(await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/members/${w.roles.team_manager.memberId}`, { role: "employee" }));

      await employee.until(() => employee.snapshots() === 2 && employee.board.has(w.employee2.memberId), "the promoted employee sees everyone");
      await manager.until(() => manager.snapshots() === 2, "the demoted manager's fresh snapshot");
      expect(manager.board.has(w.roles.employee.memberId)).toBe(false);
      expect(employee.closed).toBeNull();
      expect(manager.closed).toBeNull();
    } finally {
      closeAll(viewers);
    }
  });

  it("team staffing: becoming a team's manager shows its members", async () => {
    const w = await trackingWorld();
    const manager = await connect(w.ws, w.roles.team_manager.userId);
    try {
      expect(manager.board.has(w.employee2.memberId)).toBe(false);
      ok(await api(w.roles.owner.token, "PUT", `/api/v1/workspaces/${w.ws}/teams/${w.teamB}/members/${w.roles.team_manager.memberId}`, { isManager: true }));
      await manager.until(() => manager.board.has(w.employee2.memberId), "employee2 after managing team B");
      ok(await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/teams/${w.teamA}`), 204);
      await manager.until(() => !manager.board.has(w.roles.employee.memberId), "employee gone with team A");
    } finally {
      manager.close();
    }
  });

  it("project staffing: managing projectB shows who is on it; leaving projectA hides who is on that", async () => {
    const w = await trackingWorld();
    const pm = await connect(w.ws, w.roles.project_manager.userId);
    try {
      expect(pm.board.has(w.roles.employee.memberId)).toBe(true);
      expect(pm.board.has(w.employee2.memberId)).toBe(false);
      ok(await api(w.roles.owner.token, "PUT", `/api/v1/workspaces/${w.ws}/projects/${w.projectB}/members/${w.roles.project_manager.memberId}`, { role: "manager" }));
      await pm.until(() => pm.board.has(w.employee2.memberId), "employee2 on projectB");
      ok(await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/projects/${w.projectA}/members/${w.roles.project_manager.memberId}`), 204);
      await pm.until(() => !pm.board.has(w.roles.employee.memberId), "employee on projectA gone");
    } finally {
      pm.close();
    }
  });

  it("a removed member's socket closes with 4403 and their row leaves everyone's board", async () => {
    const w = await trackingWorld();
    const viewers: Viewer[] = [];
    try {
      const leaving = await connect(w.ws, w.employee2.userId);
      const owner = await connect(w.ws, w.roles.owner.userId);
      viewers.push(leaving, owner);
      expect(owner.board.has(w.employee2.memberId)).toBe(true);
      ok(await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/members/${w.employee2.memberId}`), 204);
      await leaving.until(() => leaving.closed !== null, "the removed member's socket closing");
      expect(leaving.closed!.code).toBe(LIVE_CLOSE.accessRevoked);
      await owner.until(() => !owner.board.has(w.employee2.memberId), "employee2's row removed");
      expect(owner.frames.some((f) => f.type === "delta" && f.remove.includes(w.employee2.memberId))).toBe(true);
      expect(owner.closed).toBeNull();
    } finally {
      closeAll(viewers);
    }
  });

  it("a deactivated member: same as removal", async () => {
    const w = await trackingWorld();
    const viewers: Viewer[] = [];
    try {
      const leaving = await connect(w.ws, w.roles.employee.userId);
      const manager = await connect(w.ws, w.roles.team_manager.userId);
      viewers.push(leaving, manager);
      ok(await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/deactivate`));
      await leaving.until(() => leaving.closed !== null, "the deactivated member's socket closing");
      expect(leaving.closed!.code).toBe(LIVE_CLOSE.accessRevoked);
      await manager.until(() => !manager.board.has(w.roles.employee.memberId), "employee's row removed");
    } finally {
      closeAll(viewers);
    }
  });

  it("a change that does not touch a viewer's scope sends them nothing", async () => {
    const w = await trackingWorld();
    const employee = await connect(w.ws, w.roles.employee.userId);
    try {
      ok(await api(w.roles.owner.token, "PUT", `/api/v1/workspaces/${w.ws}/teams/${w.teamB}/members/${w.roles.team_manager.memberId}`, { isManager: true }));
      await settle(300);
      expect(employee.frames).toHaveLength(1);
    } finally {
      employee.close();
    }
  });
});

describe("the web timer on the board", () => {
  it("starting and stopping the timer through the API shows on the team manager's open board", async () => {
    const w = await roleWorld();
    const manager = await connect(w.ws, w.roles.team_manager.userId);
    const row = () => manager.row(w.roles.employee.memberId);
    try {
      const started = await api(w.roles.employee.token, "POST", `/api/v1/workspaces/${w.ws}/timer/start`, { projectId: w.projectA, taskId: w.taskA });
      ok(started, 201);
      await manager.until(() => row()?.status === "tracking", "the timer running");
      expect(row()).toMatchObject({ projectId: w.projectA, taskId: w.taskA, source: "api", timerStartedAt: Date.parse(started.body.start) });
      ok(await api(w.roles.employee.token, "POST", `/api/v1/workspaces/${w.ws}/timer/stop`));
      await manager.until(() => row()?.status === "stopped", "the timer stopped");
      expect(row()!.timerStartedAt).toBeNull();
      // Someone outside the manager's teams starting a timer sends the manager nothing.
      ok(await api(w.employee2.token, "POST", `/api/v1/workspaces/${w.ws}/timer/start`, { projectId: w.projectB }), 201);
      await settle(300);
      expect(manager.seen.has(w.employee2.memberId)).toBe(false);
    } finally {
      manager.close();
    }
  });
});
