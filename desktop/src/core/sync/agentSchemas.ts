/**
 * Answers of the agent endpoints as the agent parses them. The settings answer is the Worker's own
 * schema (worker/contract/agentSettings.ts), re-exported under the names desktop code uses; the rest
 * (registration, heartbeat receipt, problem details) mirror worker/routes/agent.ts and
 * worker/http/problem.ts, which cannot be imported here (they pull in Hono and the Worker's database
 * layer). Batches and screenshots use the contract's own schemas (IngestResponse, ScreenshotUploadResult).
 *
 * Objects are not strict: a newer server may add fields and an older agent must keep working. Enums
 * are the server's current values; a value an agent does not know fails the parse, and the agent
 * keeps its last good settings rather than guess what a new policy means.
 */
import { z } from "zod";
import { AgentProject, AgentSettings as ServerAgentSettings } from "../../../../worker/contract/agentSettings";

export {
  AgentRule, Exclusions, IDLE_POLICIES, MANUAL_TIME_POLICIES, RULE_CATEGORIES, RULE_MATCHES, SCREENSHOT_DELETION,
  TrackingSettingsValues, AgentProject as ProjectChoice,
} from "../../../../worker/contract/agentSettings";

export const Registered = z.object({
  deviceId: z.string().min(1),
  deviceToken: z.string().min(1),
  workspaceId: z.string().min(1),
  memberId: z.string().min(1),
});
export type Registered = z.infer<typeof Registered>;

/** The server's answer, except that `projects` may be missing: servers older than the agent's picker send none, and then there is nothing to pick. */
export const AgentSettings = ServerAgentSettings.extend({
  projects: z.array(AgentProject).default([]),
});
export type AgentSettings = z.infer<typeof AgentSettings>;

export const HeartbeatReceipt = z.object({
  /** Server time, epoch ms. */
  receivedAt: z.number(),
  /** Server minus agent clock, ms. */
  clockOffsetMs: z.number(),
});
export type HeartbeatReceipt = z.infer<typeof HeartbeatReceipt>;

/** RFC 9457 problem details as the Worker writes them (worker/http/problem.ts). */
export const Problem = z.object({
  status: z.number().int().optional(),
  code: z.string(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;
