/**
 * What a desktop agent downloads from GET /api/v1/agent/settings: the workspace's tracking settings,
 * the classification rules for its member and the projects the member may record time on. Shared by
 * the Worker (route, OpenAPI document, the D1 schema's enum columns) and the desktop agent, so it
 * imports nothing but zod.
 *
 * The enum lists are the source of truth; worker/db/schema.ts stores these values. Objects are not
 * strict: a newer server may add fields and an older agent must keep working. An enum value an agent
 * does not know fails its parse, and the agent keeps its last good settings rather than guess what a
 * new policy means.
 *
 * Descriptions (`.describe`) and component names (`.meta({ id })`) are plain zod metadata that the
 * OpenAPI generator reads. The names sit here, on the very instances AgentSettings nests, because a
 * name given in the Worker with `.openapi("…")` lands on a copy: AgentSettings would then inline
 * AgentRule, AgentProject and TrackingExclusions instead of referring to them.
 */
import { z } from "zod";

export const SCREENSHOT_DELETION = ["allowed", "forbidden"] as const;
export const IDLE_POLICIES = ["ask", "keep", "discard"] as const;
export const MANUAL_TIME_POLICIES = ["allowed", "approval", "forbidden"] as const;
export const RULE_MATCHES = ["app", "domain", "title"] as const;
export const RULE_CATEGORIES = ["productive", "neutral", "unproductive"] as const;
/** Where a rule an agent receives comes from: its member's team (an override) or the whole workspace. */
export const RULE_SCOPES = ["team", "workspace"] as const;

export const Exclusions = z.object({
  apps: z.array(z.string()),
  domains: z.array(z.string()),
  titleKeywords: z.array(z.string()),
}).meta({ id: "TrackingExclusions" });
export type Exclusions = z.infer<typeof Exclusions>;

/** The settings values an agent obeys; the workspace's settings resource adds its version and time. */
export const TrackingSettingsValues = z.object({
  screenshotsPerSlot: z.number().int().min(0).describe("0–3 per 10-minute slot"),
  screenshotBlur: z.boolean(),
  screenshotDeletion: z.enum(SCREENSHOT_DELETION),
  screenshotRetentionDays: z.number().int(),
  trackApps: z.boolean(),
  trackUrls: z.boolean(),
  captureTitles: z.boolean(),
  idleThresholdSeconds: z.number().int().positive(),
  /**
   * The live board's grace period: a member whose agent has been silent this long shows offline.
   * Agents ignore it (the server applies it); the default keeps answers of older servers parsing.
   */
  offlineAfterSeconds: z.number().int().positive().default(180),
  idlePolicy: z.enum(IDLE_POLICIES),
  manualTime: z.enum(MANUAL_TIME_POLICIES),
  exclusions: Exclusions,
});
export type TrackingSettingsValues = z.infer<typeof TrackingSettingsValues>;

/** A classification rule's fields (worker/contract/classify.ts ClassificationRule plus ids and order). */
export const RuleFields = z.object({
  id: z.string(),
  teamId: z.string().nullable().describe("null: workspace-wide; else an override for this team's members"),
  match: z.enum(RULE_MATCHES),
  pattern: z.string(),
  category: z.enum(RULE_CATEGORIES),
  projectId: z.string().nullable(),
  priority: z.number().int(),
});

export const AgentRule = RuleFields.extend({
  scope: z.enum(RULE_SCOPES).describe("team overrides come first"),
}).meta({ id: "AgentRule" });
export type AgentRule = z.infer<typeof AgentRule>;

/** A project the member may record time on, with its open tasks (the agent's time picker). */
export const AgentProject = z.object({
  id: z.string(),
  name: z.string(),
  clientName: z.string().nullable(),
  tasks: z.array(z.object({ id: z.string(), name: z.string() }))
    .describe("Open tasks (not archived, not done), sorted by name"),
}).meta({ id: "AgentProject" });
export type AgentProject = z.infer<typeof AgentProject>;

export const AgentSettings = z.object({
  workspaceId: z.string(),
  memberId: z.string(),
  deviceId: z.string(),
  version: z.number().int(),
  screenshotPublicKey: z.string().min(1)
    .describe("The workspace's HPKE public key (P-256, base64): seal every screenshot to it before it touches disk (worker/crypto/hpke.ts)"),
  settings: TrackingSettingsValues,
  rules: z.array(AgentRule)
    .describe("Evaluation order: the first rule matching a usage span decides its category and project"),
  projects: z.array(AgentProject)
    .describe("For the time picker: the projects the member may record time on (owners and executives every unarchived project; others those they are a member or manager of), sorted by name, with their open tasks. A batch naming a project outside this list or an archived task is rejected (`unknown_project`, `unknown_task`); a task marked done is still accepted for time recorded earlier but no longer listed."),
}).meta({ id: "AgentSettings" });
export type AgentSettings = z.infer<typeof AgentSettings>;
