/**
 * Answers of the agent endpoints that worker/contract does not (yet) share: registration, settings and
 * the heartbeat receipt. They mirror the response schemas in worker/routes/agent.ts and
 * worker/routes/trackingSettings.ts, which cannot be imported here (they pull in Hono and the Worker's
 * database layer). Batches and screenshots use the contract's own schemas (IngestResponse,
 * ScreenshotUploadResult).
 *
 * Objects are not strict: a newer server may add fields and an older agent must keep working. Enums
 * are the server's current values; a value an agent does not know fails the parse, and the agent
 * keeps its last good settings rather than guess what a new policy means.
 */
import { z } from "zod";

export const SCREENSHOT_DELETION = ["allowed", "forbidden"] as const;
export const IDLE_POLICIES = ["ask", "keep", "discard"] as const;
export const MANUAL_TIME_POLICIES = ["allowed", "approval", "forbidden"] as const;
export const RULE_MATCHES = ["app", "domain", "title"] as const;
export const RULE_CATEGORIES = ["productive", "neutral", "unproductive"] as const;

export const Registered = z.object({
  deviceId: z.string().min(1),
  deviceToken: z.string().min(1),
  workspaceId: z.string().min(1),
  memberId: z.string().min(1),
});
export type Registered = z.infer<typeof Registered>;

export const Exclusions = z.object({
  apps: z.array(z.string()),
  domains: z.array(z.string()),
  titleKeywords: z.array(z.string()),
});
export type Exclusions = z.infer<typeof Exclusions>;

export const TrackingSettingsValues = z.object({
  /** 0–3 capture moments per 10-minute slot. */
  screenshotsPerSlot: z.number().int().min(0),
  screenshotBlur: z.boolean(),
  screenshotDeletion: z.enum(SCREENSHOT_DELETION),
  screenshotRetentionDays: z.number().int(),
  trackApps: z.boolean(),
  trackUrls: z.boolean(),
  captureTitles: z.boolean(),
  idleThresholdSeconds: z.number().int().positive(),
  idlePolicy: z.enum(IDLE_POLICIES),
  manualTime: z.enum(MANUAL_TIME_POLICIES),
  exclusions: Exclusions,
});
export type TrackingSettingsValues = z.infer<typeof TrackingSettingsValues>;

/** A classification rule as the agent receives it (worker/contract/classify.ts ClassificationRule plus ids). */
export const AgentRule = z.object({
  id: z.string(),
  teamId: z.string().nullable(),
  match: z.enum(RULE_MATCHES),
  pattern: z.string(),
  category: z.enum(RULE_CATEGORIES),
  projectId: z.string().nullable(),
  priority: z.number().int(),
  /** team overrides come first in the list. */
  scope: z.enum(["team", "workspace"]),
});
export type AgentRule = z.infer<typeof AgentRule>;

/** A project the member may record time on, with its open tasks (the picker). */
export const ProjectChoice = z.object({
  id: z.string(),
  name: z.string(),
  clientName: z.string().nullable(),
  tasks: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const AgentSettings = z.object({
  workspaceId: z.string(),
  memberId: z.string(),
  deviceId: z.string(),
  version: z.number().int(),
  /** The workspace's HPKE public key (base64): screenshots are sealed to it (worker/crypto/hpke.ts). */
  screenshotPublicKey: z.string().min(1),
  settings: TrackingSettingsValues,
  /** Evaluation order: the first matching rule decides. */
  rules: z.array(AgentRule),
  /** Missing from servers older than the agent's picker: then there is nothing to pick. */
  projects: z.array(ProjectChoice).default([]),
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
