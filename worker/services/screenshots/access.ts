/**
 * Screenshots seen from the web and API side: list a member's screenshots, view one (the Worker
 * unwraps the workspace key and opens the envelope; every full view is audited and recorded for the
 * member to see), who viewed one, and deletion (ADR 0007).
 *
 * Access: `screenshots:read` scope, resolved into explicit sets (authz/screenshotScope.ts) that the
 * Workspace object applies in SQL. Anything outside it, deleted, or of another workspace is a 404.
 * The desktop agent may delete its member's own screenshots (deleteScreenshotFromDevice): the same
 * deletion, with the scope narrowed to the member's own.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { can, readScope, scopeOf } from "../../authz/policy";
import { membersWhere } from "../../authz/scope";
import { screenshotScope } from "../../authz/screenshotScope";
import { EnvelopeError, openScreenshot } from "../../crypto/hpke";
import { members, users } from "../../db/schema";
import { UUID_RE } from "../../db/ids";
import { AppError, conflict, forbidden, notFound, validationFailed } from "../../http/problem";
import type { ShotRow, ShotScope } from "../../workspace/screenshots";
import { loadActor } from "../actor";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import type { DevicePrincipal } from "../tracking/devices";
import type { RateLimit } from "../tracking/rateLimit";
import { loadSettings } from "../tracking/settings";
import { workspacePrivateKey } from "./keys";
import { deleteObjects, workspaceStub } from "./storage";

/** What clients see of a screenshot (never its R2 keys). */
export interface ScreenshotView {
  id: string;
  memberId: string;
  takenAt: number;
  slotStart: number;
  display: number;
  activityPct: number | null;
  app: string | null;
  contentType: string;
  sizeBytes: number;
  thumbBytes: number;
  createdAt: number;
  /** Where the decrypted images are served (same-origin; works with the browser session too). */
  thumbUrl: string;
  fullUrl: string;
}

export function toView(workspaceId: string, s: ShotRow): ScreenshotView {
  const url = `/api/v1/workspaces/${workspaceId}/screenshots/${s.id}`;
  return {
    id: s.id, memberId: s.memberId, takenAt: s.takenAtMs, slotStart: s.slotStartMs, display: s.display, activityPct: s.activityPct,
    app: s.app, contentType: s.contentType, sizeBytes: s.sizeBytes, thumbBytes: s.thumbBytes, createdAt: s.createdAt,
    thumbUrl: `${url}?variant=thumb`, fullUrl: url,
  };
}

/** The actor's screenshots:read scope as the object's explicit sets (404 for roles without one). */
export async function readShotScope(ctx: ServiceContext, actor: Actor): Promise<ShotScope> {
  return screenshotScope(ctx.db, actor, readScope(actor, "screenshots", "screenshot"));
}

/** Only the actor's own screenshots; still a 404 for roles that read none (project viewers). */
function ownShotScope(actor: Actor): ShotScope {
  readScope(actor, "screenshots", "screenshot");
  return { all: false, memberIds: [actor.member.id], projectIds: [] };
}

async function visibleShot(ctx: ServiceContext, actor: Actor, shotId: string, ownOnly = false): Promise<{ shot: ShotRow; scope: ShotScope }> {
  const scope = ownOnly ? ownShotScope(actor) : await readShotScope(ctx, actor);
  if (!UUID_RE.test(shotId)) throw notFound("screenshot");
  const shot = await workspaceStub(ctx.env, actor.workspace.id).screenshot(shotId, scope);
  if (!shot) throw notFound("screenshot");
  return { shot, scope };
}

/* ------------------------------------------------------------------------------------------- list */

export const MAX_LIST_RANGE_MS = 31 * 24 * 3600_000;

export interface ListQuery {
  from: number;
  to: number;
  limit: number;
  cursor?: string;
}

/** Cursor: `<takenAt ms>.<shot id>` of the last item of the previous page. */
const CURSOR_RE = /^(\d{1,15})\.([0-9a-f-]{36})$/;

export async function listMemberScreenshots(ctx: ServiceContext, actor: Actor, memberId: string, q: ListQuery): Promise<{ items: ScreenshotView[]; nextCursor: string | null }> {
  const scope = readScope(actor, "screenshots", "member");
  if (!UUID_RE.test(memberId)) throw notFound("member");
  // The member must exist in this workspace and be one the actor's scope reaches at all.
  const [m] = await ctx.db.select({ id: members.id }).from(members).where(and(membersWhere(actor, scope), eq(members.id, memberId)));
  if (!m) throw notFound("member");
  if (q.to <= q.from) throw validationFailed([{ field: "to", code: "invalid_range", message: "Must be after from." }]);
  if (q.to - q.from > MAX_LIST_RANGE_MS) throw validationFailed([{ field: "to", code: "range_too_long", message: "At most 31 days per request." }]);
  let after: { takenAtMs: number; id: string } | null = null;
  if (q.cursor !== undefined) {
    const c = CURSOR_RE.exec(q.cursor);
    if (!c) throw validationFailed([{ field: "cursor", code: "invalid_cursor", message: "Use nextCursor from the previous page." }]);
    after = { takenAtMs: Number(c[1]), id: c[2]! };
  }
  const shotScope = await screenshotScope(ctx.db, actor, scope);
  const rows = await workspaceStub(ctx.env, actor.workspace.id).listScreenshots({
    memberId, fromMs: q.from, toMs: q.to, scope: shotScope, limit: q.limit + 1, after,
  });
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map((s) => toView(actor.workspace.id, s)), nextCursor: rows.length > q.limit && last ? `${last.takenAtMs}.${last.id}` : null };
}

/* ------------------------------------------------------------------------------------------- view */

export type Variant = "full" | "thumb";

/**
 * The decrypted image. A full view is recorded (screenshot_views) and audited before the image is
 * returned; thumbnails (the timeline) are not. An envelope that fails authentication (tampered in R2,
 * or stored for someone else) is a 409 `screenshot_corrupt` and is audited too.
 */
export async function viewScreenshot(ctx: ServiceContext, actor: Actor, shotId: string, variant: Variant): Promise<{ image: Uint8Array; contentType: string }> {
  const { shot } = await visibleShot(ctx, actor, shotId);
  const object = await ctx.env.SCREENSHOTS.get(variant === "full" ? shot.r2Key : shot.thumbR2Key);
  if (!object) throw notFound("screenshot");
  const envelope = new Uint8Array(await object.arrayBuffer());
  const key = await workspacePrivateKey(ctx, actor.workspace.id);
  let image: Uint8Array;
  try {
    if (!key) throw new EnvelopeError("workspace has no screenshot key");
    image = await openScreenshot(key, envelope, { workspaceId: actor.workspace.id, memberId: shot.memberId, shotId: shot.id, variant });
  } catch (e) {
    if (!(e instanceof EnvelopeError)) throw e;
    await appendAudit(ctx, {
      chain: actor.workspace.id, actorUserId: actor.userId, action: "screenshot.integrity_failed", targetType: "screenshot", targetId: shot.id,
      data: { memberId: shot.memberId, variant },
    });
    throw conflict("screenshot_corrupt", "This screenshot cannot be decrypted: the stored copy is damaged or was altered.");
  }
  if (variant === "full") {
    const at = ctx.now();
    await workspaceStub(ctx.env, actor.workspace.id).recordScreenshotView(shot.id, actor.member.id, at);
    await appendAudit(ctx, {
      chain: actor.workspace.id, actorUserId: actor.userId, action: "screenshot.viewed", targetType: "screenshot", targetId: shot.id,
      data: { memberId: shot.memberId, takenAt: shot.takenAtMs },
    });
  }
  return { image, contentType: shot.contentType };
}

/* ------------------------------------------------------------------------------------------ views */

export interface ScreenshotViewer {
  viewerMemberId: string;
  /** null when the viewer has since left the workspace. */
  viewerName: string | null;
  at: number;
}

/** Who looked at a screenshot: for the member it shows, and for owners and executives (who read the audit log anyway). */
export async function screenshotViewers(ctx: ServiceContext, actor: Actor, shotId: string): Promise<ScreenshotViewer[]> {
  const { shot } = await visibleShot(ctx, actor, shotId);
  if (shot.memberId !== actor.member.id && !can(actor, "audit", "read")) {
    throw forbidden("forbidden", "Only the member whose screenshot it is, owners and executive managers see who viewed it.");
  }
  const views = await workspaceStub(ctx.env, actor.workspace.id).screenshotViews(shot.id);
  const ids = [...new Set(views.map((v) => v.viewerMemberId))];
  const names = new Map<string, string>();
  if (ids.length) {
    // Viewer ids come from this workspace's object; the workspace filter keeps it that way regardless.
    for (let i = 0; i < ids.length; i += 90) {
      const rows = await ctx.db.select({ id: members.id, name: members.displayName }).from(members)
        .where(and(eq(members.workspaceId, actor.workspace.id), inArray(members.id, ids.slice(i, i + 90))));
      for (const r of rows) names.set(r.id, r.name);
    }
  }
  return views.map((v) => ({ viewerMemberId: v.viewerMemberId, viewerName: names.get(v.viewerMemberId) ?? null, at: v.at }));
}

/* ----------------------------------------------------------------------------------------- delete */

export interface DeletionOutcome {
  /** Tracked seconds removed from the slot (0 when a manager deleted someone else's screenshot). */
  removedSeconds: number;
}

/** Set when the desktop agent asks (deleteScreenshotFromDevice). */
export interface DeletionVia {
  deviceId: string;
}

/**
 * Deletes a screenshot (ADR 0007). The member's own: allowed when the workspace allows members to
 * delete (owners and executives always), and the slot's time is removed with it. Someone else's:
 * managers whose screenshots:delete scope covers it; only the screenshot goes. Through a device
 * (`via`), only the member's own are found at all, and the audit entry names the device.
 */
export async function deleteScreenshot(ctx: ServiceContext, actor: Actor, shotId: string, via?: DeletionVia): Promise<DeletionOutcome> {
  const { shot, scope } = await visibleShot(ctx, actor, shotId, via !== undefined);
  const deleteScope = scopeOf(actor, "screenshots", "delete");
  if (!deleteScope) throw forbidden();
  const own = shot.memberId === actor.member.id;
  if (own) {
    if (deleteScope !== "all" && (await loadSettings(ctx, actor.workspace.id)).screenshotDeletion === "forbidden") {
      throw forbidden("screenshot_deletion_forbidden", "This workspace does not allow members to delete their screenshots.");
    }
  } else {
    const reach = await screenshotScope(ctx.db, actor, deleteScope);
    const covered = reach.all || reach.memberIds.includes(shot.memberId) ||
      (reach.projectIds.length > 0 && (await workspaceStub(ctx.env, actor.workspace.id).screenshot(shot.id, reach)) !== null);
    if (deleteScope === "own" || !covered) throw forbidden();
  }

  const [member] = await ctx.db.select({ timeZone: members.timeZone }).from(members).where(eq(members.id, shot.memberId));
  const result = await workspaceStub(ctx.env, actor.workspace.id).deleteScreenshot({
    id: shot.id, scope, at: ctx.now(), removeSlotTime: own, timeZone: member?.timeZone ?? "UTC",
  });
  if (!result.ok) {
    if (result.code === "not_found") throw notFound("screenshot"); // deleted concurrently
    throw new AppError(409, "timer_running", "A running timer still covers this screenshot's 10-minute slot. Stop the timer, then delete the screenshot.");
  }
  // Audited before the objects go: the row is already marked deleted, and retention removes the
  // objects of deleted rows again should this delete fail.
  await appendAudit(ctx, {
    chain: actor.workspace.id, actorUserId: actor.userId, action: "screenshot.deleted", targetType: "screenshot", targetId: shot.id,
    data: {
      memberId: shot.memberId, takenAt: shot.takenAtMs, slotStart: shot.slotStartMs, by: own ? "member" : "manager",
      removedSeconds: result.removedSeconds, changedEntryIds: result.changedEntryIds,
      ...(via ? { deviceId: via.deviceId } : {}),
    },
  });
  await deleteObjects(ctx.env.SCREENSHOTS, [shot.r2Key, shot.thumbR2Key]);
  return { removedSeconds: result.removedSeconds };
}

/** An agent deletes when its member asks it to: a handful a minute at most, with room for retries. */
export const AGENT_SCREENSHOT_DELETE_LIMIT: RateLimit = { name: "screenshot_delete", limit: 30, windowMs: 60_000 };

/**
 * The member deleting one of their own screenshots from the desktop agent: exactly the web app's
 * deletion (the setting, the slot's time, the audit entry, the R2 objects), with the member's Actor
 * built by the same loader a signed-in person goes through; anyone else's screenshot is a 404, even
 * for a manager's device. The device gate has already checked the token, the member's status and
 * the workspace's two-factor requirement; the user row supplies the rest of the principal.
 */
export async function deleteScreenshotFromDevice(ctx: ServiceContext, dp: DevicePrincipal, shotId: string): Promise<DeletionOutcome> {
  const [user] = await ctx.db.select({ email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt, totpEnabledAt: users.totpEnabledAt })
    .from(users).where(eq(users.id, dp.member.userId));
  if (!user) throw notFound("screenshot"); // the account was deleted after the gate let the request in
  const actor = await loadActor(ctx, {
    userId: dp.member.userId, email: user.email, name: user.name, sessionId: `device:${dp.device.id}`, amr: ["device"],
    emailVerified: user.emailVerifiedAt !== null, totpEnabled: user.totpEnabledAt !== null,
  }, dp.workspace.id);
  return deleteScreenshot(ctx, actor, shotId, { deviceId: dp.device.id });
}
