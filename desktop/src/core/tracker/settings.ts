/**
 * What the tracker needs from GET /agent/settings (worker/routes/agent.ts AgentSettings): the
 * workspace's `settings` fields below plus its `rules` (AgentRule is a ClassificationRule with more
 * fields, so `{ ...body.settings, rules: body.rules }` fits). Parsing that answer with zod is the
 * settings client's job; the tracker trusts this shape.
 */
import type { ClassificationRule } from "../../../../worker/contract/classify";

/** The values of worker/db/schema.ts IDLE_POLICIES (the desktop does not import the D1 schema). */
export const IDLE_POLICIES = ["ask", "keep", "discard"] as const;
export type IdlePolicy = (typeof IDLE_POLICIES)[number];

export interface Exclusions {
  apps: readonly string[];
  domains: readonly string[];
  titleKeywords: readonly string[];
}

export interface PrivacySettings {
  trackApps: boolean;
  trackUrls: boolean;
  captureTitles: boolean;
  exclusions: Exclusions;
}

export interface TrackerSettings extends PrivacySettings {
  idleThresholdSeconds: number;
  idlePolicy: IdlePolicy;
  /** In evaluation order (team overrides first); the first match decides (classify). */
  rules: readonly ClassificationRule[];
}
