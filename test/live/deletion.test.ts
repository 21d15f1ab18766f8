/**
 * Deleting a workspace through the API closes every open live socket with 4403 before the object's
 * storage is wiped, and the board is not recreated afterwards: no rows served from memory, no
 * tables, no alarm, no new sockets.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentFor, beat, beatOk, closeAll, connect, cookieOf, entryOn, openLive, type Viewer } from "./support";

const stubOf = (ws: string) => env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;
const everything = (viewerMemberId: string) => ({ viewerMemberId, time: { all: true as const }, activity: null, apps: null, screenshots: null });

describe("workspace deletion", () => {
  it("closes every open socket with 4403, and nothing of the board survives", async () => {
    const w = await roleWorld();
    const agent = await agentFor(w.roles.employee.token, w.ws);
    await beatOk(agent, { state: "tracking", entry: entryOn(w.projectA) });
    const viewers: Viewer[] = [];
    try {
      const owner = await connect(w.ws, w.roles.owner.userId);
      const manager = await connect(w.ws, w.roles.team_manager.userId);
      const employee = await connect(w.ws, w.roles.employee.userId);
      // A socket on another workspace is not touched.
      const foreign = await connect(w.foreign.ws, w.foreign.owner.userId);
      viewers.push(owner, manager, employee, foreign);
      expect(owner.board.has(w.roles.employee.memberId)).toBe(true);
      const stub = stubOf(w.ws);
      expect(await runInDurableObject(stub, (_o: WorkspaceObject, state) => state.storage.getAlarm())).not.toBeNull();

      const res = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}`, { confirmName: "Acme Corp" });
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      for (const v of [owner, manager, employee]) {
        await v.until(() => v.closed !== null, "the socket closing");
        expect(v.closed!.code).toBe(LIVE_CLOSE.accessRevoked);
      }

      // The object holds nothing and does not rebuild the board from memory.
      expect(await stub.tables()).toEqual([]);
      expect(await stub.liveBoard(everything(w.roles.owner.memberId))).toEqual([]);
      expect(await stub.liveViewers()).toEqual([]);
      expect(await runInDurableObject(stub, (_o: WorkspaceObject, state) => state.storage.getAlarm())).toBeNull();
      // The agent's next heartbeat is refused (its device went with the workspace) and writes nothing.
      expect((await beat(agent, { state: "tracking" })).status).toBe(401);
      expect(await stub.tables()).toEqual([]);
      // The page cannot reopen the board.
      expect((await openLive(w.ws, { cookie: await cookieOf(w.roles.owner.userId) })).status).toBe(404);
      expect(foreign.closed).toBeNull();
    } finally {
      closeAll(viewers);
    }
  });

  it("an upgrade that reaches the object after the deletion is refused (404), not served from memory", async () => {
    const w = await roleWorld();
    const owner = await connect(w.ws, w.roles.owner.userId);
    try {
      expect((await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}`, { confirmName: "Acme Corp" })).status).toBe(204);
      await owner.until(() => owner.closed !== null, "the socket closing");
      const res = await stubOf(w.ws).fetch(new Request("https://object.internal/live", { headers: { Upgrade: "websocket" } }));
      expect(res.status).toBe(404);
      expect(await stubOf(w.ws).tables()).toEqual([]);
    } finally {
      owner.close();
    }
  });
});
