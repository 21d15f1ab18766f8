/**
 * Workspace tracking settings: what the agent records (screenshots, apps, URLs, titles), idle and
 * manual-time policy, and exclusions. Everyone in the workspace reads them (their agent obeys
 * them); owners and executive managers change them. Until the first change a workspace has no row
 * and the defaults (DEFAULT_SETTINGS, version 0) apply.
 *
 * Every change bumps `version` in the same statement that writes it (an UPSERT), so two concurrent
 * writers can never hand out the same version for different contents: agents cache by it (ETag).
 */
import { eq, sql } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { readScope, requireScope } from "../../authz/policy";
import { trackingSettings, type TrackingExclusions } from "../../db/schema";
import { badRequest } from "../../http/problem";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import type { TrackingSettingsPatch } from "./fields";

type Row = typeof trackingSettings.$inferSelect;

export interface TrackingSettings {
  screenshotsPerSlot: number;
  screenshotBlur: boolean;
  screenshotDeletion: Row["screenshotDeletion"];
  screenshotRetentionDays: number;
  trackApps: boolean;
  trackUrls: boolean;
  captureTitles: boolean;
  idleThresholdSeconds: number;
  /** The live board shows a member offline once their agent has been silent this long. */
  offlineAfterSeconds: number;
  idlePolicy: Row["idlePolicy"];
  manualTime: Row["manualTime"];
  exclusions: TrackingExclusions;
  /** 0 while the workspace still runs on the defaults; +1 on every change of settings or rules. */
  version: number;
  updatedAt: number | null;
}

export const DEFAULT_SETTINGS: Omit<TrackingSettings, "version" | "updatedAt"> = {
  screenshotsPerSlot: 1,
  screenshotBlur: false,
  screenshotDeletion: "allowed",
  screenshotRetentionDays: 30,
  trackApps: true,
  trackUrls: true,
  captureTitles: true,
  idleThresholdSeconds: 300,
  offlineAfterSeconds: 180,
  idlePolicy: "ask",
  manualTime: "allowed",
  exclusions: { apps: [], domains: [], titleKeywords: [] },
};

function fromRow(r: Row): TrackingSettings {
  return {
    screenshotsPerSlot: r.screenshotsPerSlot,
    screenshotBlur: r.screenshotBlur,
    screenshotDeletion: r.screenshotDeletion,
    screenshotRetentionDays: r.screenshotRetentionDays,
    trackApps: r.trackApps,
    trackUrls: r.trackUrls,
    captureTitles: r.captureTitles,
    idleThresholdSeconds: r.idleThresholdS,
    offlineAfterSeconds: r.offlineAfterS,
    idlePolicy: r.idlePolicy,
    manualTime: r.manualTime,
    exclusions: { ...DEFAULT_SETTINGS.exclusions, ...r.exclusions },
    version: r.version,
    updatedAt: r.updatedAt,
  };
}

/** A workspace's settings from its row, or the defaults when it has none yet. */
export const settingsFromRow = (row: Row | undefined): TrackingSettings =>
  row ? fromRow(row) : { ...DEFAULT_SETTINGS, version: 0, updatedAt: null };

/** The settings of a workspace, without an access check: callers have already established who asks. */
export async function loadSettings(ctx: ServiceContext, workspaceId: string): Promise<TrackingSettings> {
  const [row] = await ctx.db.select().from(trackingSettings).where(eq(trackingSettings.workspaceId, workspaceId));
  return settingsFromRow(row);
}

export async function getTrackingSettings(ctx: ServiceContext, actor: Actor): Promise<TrackingSettings> {
  readScope(actor, "tracking_settings", "tracking settings");
  return loadSettings(ctx, actor.workspace.id);
}

/**
 * A statement that bumps the version (creating the row with defaults if needed). Rule changes run
 * it in the same batch as their own write, so the agent's ETag changes with them.
 */
export function bumpVersion(ctx: ServiceContext, workspaceId: string) {
  const now = ctx.now();
  return ctx.db.insert(trackingSettings).values({ workspaceId, updatedAt: now })
    .onConflictDoUpdate({ target: trackingSettings.workspaceId, set: { version: sql`${trackingSettings.version} + 1`, updatedAt: now } });
}

type Changes = Partial<Omit<TrackingSettings, "version" | "updatedAt">>;

/** Only the fields whose value actually differs: an unchanged PATCH neither bumps nor audits. */
function diff(current: TrackingSettings, patch: TrackingSettingsPatch): Changes {
  const next: Changes = {};
  const { exclusions, ...scalars } = patch;
  for (const [k, v] of Object.entries(scalars) as [keyof typeof scalars, unknown][]) {
    if (v !== undefined && current[k] !== v) Object.assign(next, { [k]: v });
  }
  if (exclusions) {
    const merged: TrackingExclusions = { ...current.exclusions, ...definedOnly(exclusions) };
    if (JSON.stringify(merged) !== JSON.stringify(current.exclusions)) next.exclusions = merged;
  }
  return next;
}

function definedOnly(e: Partial<TrackingExclusions>): Partial<TrackingExclusions> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
}

function toColumns(c: Changes): Partial<typeof trackingSettings.$inferInsert> {
  const { idleThresholdSeconds, offlineAfterSeconds, ...rest } = c;
  return {
    ...rest,
    ...(idleThresholdSeconds === undefined ? {} : { idleThresholdS: idleThresholdSeconds }),
    ...(offlineAfterSeconds === undefined ? {} : { offlineAfterS: offlineAfterSeconds }),
  };
}

export async function updateTrackingSettings(ctx: ServiceContext, actor: Actor, patch: TrackingSettingsPatch): Promise<TrackingSettings> {
  requireScope(actor, "tracking_settings", "update");
  if (!Object.values(patch).some((v) => v !== undefined)) throw badRequest("nothing_to_update", "No fields to update.");
  const ws = actor.workspace.id;
  const current = await loadSettings(ctx, ws);
  const changes = diff(current, patch);
  if (!Object.keys(changes).length) return current;
  const now = ctx.now();
  const columns = toColumns(changes);
  const [row] = await ctx.db.insert(trackingSettings)
    .values({ ...toColumns({ ...DEFAULT_SETTINGS, ...changes }), workspaceId: ws, updatedAt: now })
    .onConflictDoUpdate({ target: trackingSettings.workspaceId, set: { ...columns, version: sql`${trackingSettings.version} + 1`, updatedAt: now } })
    .returning();
  const from = Object.fromEntries(Object.keys(changes).map((k) => [k, current[k as keyof Changes]]));
  await appendAudit(ctx, {
    chain: ws, actorUserId: actor.userId, action: "tracking.settings_changed", targetType: "workspace", targetId: ws,
    data: { from, to: changes, version: row!.version },
  });
  return fromRow(row!);
}
