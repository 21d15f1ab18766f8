/** Heartbeats land in the Workspace object's presence table, stamped with the server's time. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { roleWorld } from "../helpers/factory";
import { heartbeat, signInAgent } from "./support";

/** What the live board will read: the member's presence row in the Workspace object. */
async function presenceOf(ws: string, memberId: string) {
  const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;
  return stub.presenceOf(memberId);
}

describe("heartbeat", () => {
  it("stores the member's latest state and receive time, and tells the agent its clock offset", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const agentClock = new Date(Date.now() - 90_000); // the agent's clock is 90 s behind
    const before = Date.now();
    const res = await heartbeat(a.deviceToken, { at: agentClock.toISOString(), state: "tracking" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.receivedAt).toBeGreaterThanOrEqual(before);
    expect(res.body.clockOffsetMs).toBeGreaterThanOrEqual(90_000);
    expect(res.body.clockOffsetMs).toBeLessThan(100_000);
    expect(await presenceOf(w.ws, w.roles.employee.memberId)).toEqual({ state: "tracking", lastHeartbeatAt: res.body.receivedAt });

    const idle = await heartbeat(a.deviceToken, { at: new Date().toISOString(), state: "idle" });
    expect(idle.status).toBe(200);
    expect(await presenceOf(w.ws, w.roles.employee.memberId)).toEqual({ state: "idle", lastHeartbeatAt: idle.body.receivedAt });
    // Nobody else's presence moved.
    expect(await presenceOf(w.ws, w.employee2.memberId)).toBeNull();
  });

  it.each([
    ["unknown state", { at: new Date().toISOString(), state: "offline" }],
    ["not a timestamp", { at: "yesterday", state: "tracking" }],
    ["unknown field", { at: new Date().toISOString(), state: "tracking", memberId: "someone-else" }],
  ])("%s is a 422 and stores nothing", async (_name, body) => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const res = await heartbeat(a.deviceToken, body);
    expect(res.status).toBe(422);
    expect(await presenceOf(w.ws, w.roles.employee.memberId)).toBeNull();
  });
});
