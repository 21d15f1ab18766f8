/** The member's presence row in the Workspace object: null until a heartbeat was stored. */
import { env } from "cloudflare:test";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";

export function presenceOf(ws: string, memberId: string) {
  const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;
  return stub.presenceOf(memberId);
}
