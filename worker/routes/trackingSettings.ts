/**
 * Workspace tracking settings and classification rules (issue #3). Everyone in the workspace reads
 * them (their agents obey them); owners and executive managers change them. Each change bumps the
 * settings version that agents poll with (GET /agent/settings).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { RuleFields, TrackingSettingsValues } from "../contract/agentSettings";
import { RuleInput, RulePatch, TrackingSettingsPatch } from "../services/tracking/fields";
import { createRule, deleteRule, getRule, listRules, updateRule } from "../services/tracking/rules";
import { getTrackingSettings, updateTrackingSettings } from "../services/tracking/settings";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, WorkspaceParams, workspaceAndId } from "./_shared";

export const trackingSettingsRoutes = newRouter();
const tags = ["tracking settings"];
const RuleParams = workspaceAndId("ruleId");

// The settings values and the rule fields are the agent-settings contract's: agents receive the same shapes.
const TrackingSettingsSchema = TrackingSettingsValues.extend({
  version: z.number().int().openapi({ description: "0 = defaults; +1 on every change of the settings or the rules" }),
  updatedAt: z.number().nullable(),
}).openapi("TrackingSettings");

const RuleSchema = RuleFields.extend({ createdAt: z.number() }).openapi("ClassificationRule");

trackingSettingsRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/tracking-settings", tags, security: bearerSecurity,
    summary: "The workspace's tracking settings (every member)",
    request: { params: WorkspaceParams }, responses: { 200: json(TrackingSettingsSchema), ...errorResponses } }),
  async (c) => c.json(await getTrackingSettings(c.get("ctx"), await requireActor(c)), 200),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/tracking-settings", tags, security: bearerSecurity,
    summary: "Change tracking settings (owners, executives); audited as tracking.settings_changed",
    description: "Only the fields sent change. Within `exclusions`, each list sent replaces the stored one. A request that changes nothing leaves the version as it is.",
    request: { params: WorkspaceParams, body: jsonBody(TrackingSettingsPatch) },
    responses: { 200: json(TrackingSettingsSchema), ...errorResponses } }),
  async (c) => c.json(await updateTrackingSettings(c.get("ctx"), await requireActor(c), c.req.valid("json")), 200),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/rules", tags, security: bearerSecurity,
    summary: "Classification rules in evaluation order (team overrides first, then by priority)",
    description: "At most 500 rules per workspace, so the list is not paginated.",
    request: { params: WorkspaceParams }, responses: { 200: json(z.object({ items: z.array(RuleSchema) })), ...errorResponses } }),
  async (c) => c.json({ items: await listRules(c.get("ctx"), await requireActor(c)) }, 200),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/rules", tags, security: bearerSecurity,
    summary: "Add a classification rule (owners, executives)",
    request: { params: WorkspaceParams, body: jsonBody(RuleInput) },
    responses: { 201: json(RuleSchema, "Created"), ...errorResponses } }),
  async (c) => c.json(await createRule(c.get("ctx"), await requireActor(c), c.req.valid("json")), 201),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/rules/{ruleId}", tags, security: bearerSecurity, summary: "One classification rule",
    request: { params: RuleParams }, responses: { 200: json(RuleSchema), ...errorResponses } }),
  async (c) => c.json(await getRule(c.get("ctx"), await requireActor(c), c.req.valid("param").ruleId), 200),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/rules/{ruleId}", tags, security: bearerSecurity,
    summary: "Change a classification rule (owners, executives)",
    request: { params: RuleParams, body: jsonBody(RulePatch) }, responses: { 200: json(RuleSchema), ...errorResponses } }),
  async (c) => c.json(await updateRule(c.get("ctx"), await requireActor(c), c.req.valid("param").ruleId, c.req.valid("json")), 200),
);

trackingSettingsRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/rules/{ruleId}", tags, security: bearerSecurity,
    summary: "Remove a classification rule (owners, executives)",
    request: { params: RuleParams }, responses: { 204: { description: "Removed" }, ...errorResponses } }),
  async (c) => {
    await deleteRule(c.get("ctx"), await requireActor(c), c.req.valid("param").ruleId);
    return c.body(null, 204);
  },
);
