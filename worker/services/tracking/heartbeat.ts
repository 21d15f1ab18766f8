/**
 * Presence: the agent says every minute or so what it is doing. The last heartbeat per member is
 * kept by the Workspace Durable Object (the live board reads it there), stamped with the time the
 * server received it: presence is about when we last heard from the device, and the agent's own
 * clock may be off. The agent's `at` is used to tell it that offset, which it applies to what it
 * records.
 */
import type { WorkspaceObject } from "../../workspace/WorkspaceObject";
import type { ServiceContext } from "../context";
import type { DevicePrincipal } from "./devices";

export const HEARTBEAT_STATES = ["tracking", "idle", "stopped"] as const;
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export interface HeartbeatReceipt {
  receivedAt: number;
  /** Server time minus agent time, in ms: add it to the agent's clock to get server time. */
  clockOffsetMs: number;
}

export async function recordHeartbeat(ctx: ServiceContext, dp: DevicePrincipal, input: { at: number; state: HeartbeatState }): Promise<HeartbeatReceipt> {
  const receivedAt = ctx.now();
  const stub = ctx.env.WORKSPACE.get(ctx.env.WORKSPACE.idFromName(dp.workspace.id)) as DurableObjectStub<WorkspaceObject>;
  await stub.recordHeartbeat(dp.member.id, receivedAt, input.state);
  return { receivedAt, clockOffsetMs: receivedAt - input.at };
}
