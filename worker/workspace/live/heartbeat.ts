/**
 * The agent heartbeat as the Worker passes it to the object (WorkspaceObject.recordHeartbeat). The
 * Worker has authenticated the device, applied the workspace's privacy rules to `app`, checked the
 * entry's project and task, and moved the entry's start onto the server clock.
 *
 * `entry` and `app`: undefined = the agent did not say (keep what is known), null = none.
 */
import { z } from "zod";
import { isKnownTimeZone } from "../../contract/common";

const Id = z.string().min(1).max(64);

export const LiveHeartbeat = z.object({
  memberId: Id,
  deviceId: Id,
  /** Server time the heartbeat arrived. */
  receivedAt: z.number().int().positive(),
  state: z.enum(["tracking", "idle", "stopped"]),
  timeZone: z.string().max(64).refine(isKnownTimeZone, "Unknown IANA time zone."),
  /** The workspace's grace period: no heartbeat for this long and the member shows offline. */
  offlineAfterMs: z.number().int().positive().max(24 * 3600_000),
  entry: z.object({
    id: Id,
    startMs: z.number().int(),
    projectId: Id.nullable(),
    taskId: Id.nullable(),
  }).nullable().optional(),
  app: z.object({
    name: z.string().min(1).max(200),
    title: z.string().max(1000).nullable(),
    url: z.string().max(2048).nullable(),
  }).nullable().optional(),
});
export type LiveHeartbeat = z.infer<typeof LiveHeartbeat>;
