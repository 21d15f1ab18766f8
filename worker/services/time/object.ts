/** The workspace's Durable Object, the single writer of its tracking records (DESIGN.md, "two tiers of storage"). */
import type { WorkspaceObject } from "../../workspace/WorkspaceObject";
import type { ServiceContext } from "../context";

export function workspaceObject(ctx: ServiceContext, workspaceId: string): DurableObjectStub<WorkspaceObject> {
  return ctx.env.WORKSPACE.get(ctx.env.WORKSPACE.idFromName(workspaceId)) as DurableObjectStub<WorkspaceObject>;
}
