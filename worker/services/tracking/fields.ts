/**
 * Input rules for tracking settings and classification rules, shared by the API routes and the web
 * forms (both doors parse the same way). Ranges are what the agent can honour: 0–3 screenshots per
 * 10-minute slot, an idle threshold between one minute and two hours, an offline grace period between
 * one minute and an hour (shorter would flicker between agent heartbeats, about one a minute).
 */
import { z } from "@hono/zod-openapi";
import { IDLE_POLICIES, MANUAL_TIME_POLICIES, RULE_CATEGORIES, RULE_MATCHES, SCREENSHOT_DELETION } from "../../db/schema";
import { validationFailed } from "../../http/problem";

export const MAX_EXCLUSIONS = 200;
export const MAX_PATTERN_LENGTH = 200;

/** Host names as the agent reports them: lower case, dot-separated labels, no scheme, port or path. */
const HOST_RE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const isHostName = (s: string) => HOST_RE.test(s);

const listOf = (item: z.ZodString, what: string) =>
  z.array(item).max(MAX_EXCLUSIONS, `At most ${MAX_EXCLUSIONS} ${what}.`)
    // Duplicates change nothing for the agent; keeping one spelling keeps the version bump honest.
    .transform((xs) => [...new Set(xs)]);

export const ExclusionsInput = z.strictObject({
  apps: listOf(z.string().trim().min(1).max(MAX_PATTERN_LENGTH), "apps").optional()
    .openapi({ description: "Application names never recorded (case-insensitive), not even in screenshots" }),
  domains: listOf(z.string().trim().toLowerCase().regex(HOST_RE, "Enter a host name such as example.com."), "domains").optional()
    .openapi({ description: "Sites never recorded: the host and all its subdomains" }),
  titleKeywords: listOf(z.string().trim().min(1).max(100), "keywords").optional()
    .openapi({ description: "Windows whose title contains one of these (case-insensitive) are never recorded" }),
});

export const TrackingSettingsPatch = z.strictObject({
  screenshotsPerSlot: z.number().int().min(0).max(3).optional().openapi({ description: "Screenshots per 10-minute slot (0 turns them off)" }),
  screenshotBlur: z.boolean().optional(),
  screenshotDeletion: z.enum(SCREENSHOT_DELETION).optional().openapi({ description: "Whether members may delete their own screenshots (the slot's time goes with them)" }),
  screenshotRetentionDays: z.number().int().min(1).max(3650).optional(),
  trackApps: z.boolean().optional(),
  trackUrls: z.boolean().optional(),
  captureTitles: z.boolean().optional(),
  idleThresholdSeconds: z.number().int().min(60).max(7200).optional(),
  offlineAfterSeconds: z.number().int().min(60).max(3600).optional()
    .openapi({ description: "Live board: a member whose agent has been silent this long shows offline (1–60 minutes)" }),
  idlePolicy: z.enum(IDLE_POLICIES).optional().openapi({ description: "ask: the member decides on return; keep / discard: decided by the workspace" }),
  manualTime: z.enum(MANUAL_TIME_POLICIES).optional(),
  exclusions: ExclusionsInput.optional().openapi({ description: "Each list given replaces the stored one; omitted lists stay" }),
});
export type TrackingSettingsPatch = z.infer<typeof TrackingSettingsPatch>;

const nullableId = z.string().uuid().nullable();

export const RuleInput = z.strictObject({
  match: z.enum(RULE_MATCHES).openapi({ description: "app: the application name; domain: the host and its subdomains; title: a substring of the window title" }),
  pattern: z.string().trim().min(1).max(MAX_PATTERN_LENGTH).openapi({ description: "Compared case-insensitively; for `domain` a host name such as github.com" }),
  category: z.enum(RULE_CATEGORIES),
  teamId: nullableId.optional().openapi({ description: "null or absent: the whole workspace; a team id: an override for that team's members" }),
  projectId: nullableId.optional().openapi({ description: "Assigns matching time to this project" }),
  priority: z.number().int().min(-1000).max(1000).optional().openapi({ description: "Higher first; team overrides always come before workspace rules" }),
});
export type RuleInput = z.infer<typeof RuleInput>;

export const RulePatch = RuleInput.partial();
export type RulePatch = z.infer<typeof RulePatch>;

/** The stored spelling of a pattern for its match kind, or a 422 naming `pattern`. */
export function normalizePattern(match: (typeof RULE_MATCHES)[number], pattern: string): string {
  const p = pattern.trim();
  if (match !== "domain") return p;
  const host = p.toLowerCase();
  if (!isHostName(host)) {
    throw validationFailed([{ field: "pattern", code: "invalid_domain", message: "Enter a host name such as example.com (no scheme or path)." }]);
  }
  return host;
}
