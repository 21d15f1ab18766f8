/**
 * Screenshots: the agent's upload (device token, multipart) and deletion of its member's own and,
 * for people, a member's list, the decrypted image, who viewed it, and deletion. Rules:
 * worker/services/screenshots/*, ADR 0007.
 *
 * The upload and the image are not JSON, so they are plain Hono routes documented with registerPath
 * (an OpenAPI form validator would parse the body before the device token is checked).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { MAX_FULL_BYTES, MAX_THUMB_BYTES, ScreenshotUploadResult } from "../contract/screenshots";
import { AppError, badRequest, validationFailed, zodFieldErrors } from "../http/problem";
import {
  AGENT_SCREENSHOT_DELETE_LIMIT, deleteScreenshot, deleteScreenshotFromDevice, listMemberScreenshots, screenshotViewers, viewScreenshot,
} from "../services/screenshots/access";
import { parseUpload, SCREENSHOT_RATE_LIMIT, uploadScreenshot } from "../services/screenshots/upload";
import { requireDevice } from "./agent";
import { bearerSecurity, errorResponses, json, newRouter, requireActor, workspaceAndId } from "./_shared";

export const screenshotRoutes = newRouter();
const tags = ["screenshots"];
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/* ----------------------------------------------------------------------------------------- upload */

screenshotRoutes.openAPIRegistry.registerPath({
  method: "post", path: "/agent/screenshots", tags: ["agent"], security: [{ deviceToken: [] }],
  summary: "Upload one encrypted screenshot (full image and thumbnail) with its metadata",
  description: [
    "`multipart/form-data` with a text part `meta` (JSON: shotId (UUIDv7), takenAt, slotStart, display, activity?, app?, contentType?, sentAt?) and file parts `full` and `thumb`, each an HPKE envelope sealed to the workspace's `screenshotPublicKey` (worker/crypto/hpke.ts; starts with `WTS1`).",
    `full ≤ ${MAX_FULL_BYTES} bytes, thumb ≤ ${MAX_THUMB_BYTES} bytes (413); anything that is not an envelope is a 422. The server derives the storage keys itself.`,
    "Idempotent by shotId: a shot already stored answers 200 `duplicate` and nothing is written again. 409 `screenshots_disabled` while the workspace takes none; 409 `slot_full` beyond screenshots-per-10-minutes capture moments per slot (a moment's shots on several displays count once); 422 when takenAt is more than 5 minutes in the future or older than the retention; 60 uploads a minute per device (429).",
  ].join(" "),
  request: { body: { required: true, content: { "multipart/form-data": { schema: { type: "object", required: ["meta", "full", "thumb"], properties: {
    meta: { type: "string", description: "JSON metadata" }, full: { type: "string", format: "binary" }, thumb: { type: "string", format: "binary" },
  } } } } } },
  responses: {
    201: json(ScreenshotUploadResult, "Stored"), 200: json(ScreenshotUploadResult, "Already stored (duplicate)"),
    400: problem("Malformed multipart body"), 401: problem("Missing or revoked device token"), 409: problem("Screenshots disabled, slot full, or shot id used by someone else"),
    413: problem("A file or the body is too large"), 415: problem("Not multipart/form-data"), 422: problem("Invalid metadata or not an envelope"), 429: problem("Too many uploads"),
  },
});

screenshotRoutes.post("/agent/screenshots", async (c) => {
  const ctx = c.get("ctx");
  const device = await requireDevice(c, SCREENSHOT_RATE_LIMIT);
  if (!/^multipart\/form-data/i.test(c.req.header("content-type") ?? "")) {
    throw new AppError(415, "unsupported_media_type", "Send multipart/form-data with the parts meta, full and thumb.");
  }
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw badRequest("malformed_request", "The multipart body cannot be parsed.");
  }
  const { created, ...result } = await uploadScreenshot(ctx, device, await parseUpload(form));
  return c.json(result, created ? 201 : 200);
});

/* ------------------------------------------------------------------------------- agent: delete own */

const DeletionResult = z.object({ removedSeconds: z.number().int() }).openapi("ScreenshotDeletion");

screenshotRoutes.openapi(
  createRoute({ method: "delete", path: "/agent/screenshots/{shotId}", tags: ["agent"], security: [{ deviceToken: [] }],
    summary: "Delete one of the member's own screenshots from the agent (audited as screenshot.deleted with the device id)",
    description: "The same deletion as the member's in the web app (docs/decisions/0007-screenshot-deletion.md): the encrypted objects go and the time of the screenshot's 10-minute slot is removed with it. 403 `screenshot_deletion_forbidden` while the workspace does not allow members to delete their screenshots (owners and executives always may); 409 `timer_running` while a running timer covers the slot; 404 for an unknown shot or anyone else's (whatever the member's role); 30 deletions a minute per device (429).",
    request: { params: z.object({ shotId: z.string().max(64).openapi({ param: { name: "shotId", in: "path" } }) }) },
    responses: { 200: json(DeletionResult, "Deleted"), ...errorResponses } }),
  async (c) => {
    const device = await requireDevice(c, AGENT_SCREENSHOT_DELETE_LIMIT);
    return c.json(await deleteScreenshotFromDevice(c.get("ctx"), device, c.req.valid("param").shotId), 200);
  },
);

/* ------------------------------------------------------------------------------------------- list */

const ScreenshotSchema = z.object({
  id: z.string(), memberId: z.string(), takenAt: z.number(), slotStart: z.number(), display: z.number().int(),
  activityPct: z.number().int().nullable(), app: z.string().nullable(), contentType: z.string(),
  sizeBytes: z.number().int(), thumbBytes: z.number().int(), createdAt: z.number(),
  thumbUrl: z.string().openapi({ description: "GET it for the decrypted thumbnail (not audited)" }),
  fullUrl: z.string().openapi({ description: "GET it for the decrypted image (audited as screenshot.viewed)" }),
}).openapi("Screenshot");

const ListQuery = z.object({
  from: z.coerce.number().int().min(0).openapi({ description: "Taken at or after (epoch ms)" }),
  to: z.coerce.number().int().min(0).openapi({ description: "Taken before (epoch ms); at most 31 days after from" }),
  cursor: z.string().max(80).optional().openapi({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

screenshotRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/members/{memberId}/screenshots", tags, security: bearerSecurity,
    summary: "A member's screenshots in a time range, oldest first (within the caller's screenshots:read scope)",
    description: "Own screenshots for everyone who has them; team managers their teams' members; project managers the screenshots taken during time on projects they manage; owners and executives all. The owner's toggle `managersSeeScreenshots = false` limits every manager to their own. A member outside the scope is a 404.",
    request: { params: workspaceAndId("memberId"), query: ListQuery },
    responses: { 200: json(z.object({ items: z.array(ScreenshotSchema), nextCursor: z.string().nullable() })), ...errorResponses } }),
  async (c) => {
    const { memberId } = c.req.valid("param");
    return c.json(await listMemberScreenshots(c.get("ctx"), await requireActor(c), memberId, c.req.valid("query")), 200);
  },
);

/* ------------------------------------------------------------------------------------------- view */

const ShotParams = workspaceAndId("shotId");
const VariantQuery = z.object({ variant: z.enum(["full", "thumb"]).default("full") });

screenshotRoutes.openAPIRegistry.registerPath({
  method: "get", path: "/workspaces/{workspaceId}/screenshots/{shotId}", tags, security: bearerSecurity,
  summary: "The decrypted screenshot (full image or thumbnail)",
  description: "Decrypted by the Worker for a caller whose screenshots:read scope covers it; never cached (`no-store, private`). Every full view is audited (`screenshot.viewed`) and listed for the member. A stored copy that fails authentication answers 409 `screenshot_corrupt`.",
  request: { params: ShotParams, query: VariantQuery },
  responses: {
    200: { description: "The image", content: { "image/jpeg": { schema: { type: "string", format: "binary" } }, "image/png": { schema: { type: "string", format: "binary" } }, "image/webp": { schema: { type: "string", format: "binary" } } } },
    401: problem("Not signed in"), 404: problem("Not found or not visible to the caller"), 409: problem("The stored copy is damaged or was altered"), 422: problem("Invalid variant"),
  },
});

screenshotRoutes.get("/workspaces/:workspaceId/screenshots/:shotId", async (c) => {
  const q = VariantQuery.safeParse({ variant: c.req.query("variant") });
  if (!q.success) throw validationFailed(zodFieldErrors(q.error.issues));
  const actor = await requireActor(c);
  const { image, contentType } = await viewScreenshot(c.get("ctx"), actor, c.req.param("shotId"), q.data.variant);
  // A copy typed as plain ArrayBuffer bytes, as Response bodies require.
  return c.body(new Uint8Array(image), 200, {
    "content-type": contentType,
    "cache-control": "no-store, private",
    "content-disposition": "inline",
  });
});

/* ------------------------------------------------------------------------------------------ views */

const Viewer = z.object({
  viewerMemberId: z.string(), viewerName: z.string().nullable().openapi({ description: "null when the viewer left the workspace" }), at: z.number(),
}).openapi("ScreenshotViewer");

screenshotRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/screenshots/{shotId}/views", tags, security: bearerSecurity,
    summary: "Who viewed a screenshot, newest first (the member it shows; owners and executives)",
    request: { params: ShotParams },
    responses: { 200: json(z.object({ items: z.array(Viewer) })), ...errorResponses } }),
  async (c) => c.json({ items: await screenshotViewers(c.get("ctx"), await requireActor(c), c.req.valid("param").shotId) }, 200),
);

/* ----------------------------------------------------------------------------------------- delete */

screenshotRoutes.openapi(
  createRoute({ method: "delete", path: "/workspaces/{workspaceId}/screenshots/{shotId}", tags, security: bearerSecurity,
    summary: "Delete a screenshot (audited as screenshot.deleted; its encrypted objects are removed)",
    description: "Your own: when the workspace allows members to delete screenshots (owners and executives always), and the time of its 10-minute slot is removed with it (409 `timer_running` while a running timer covers the slot; 403 `screenshot_deletion_forbidden` when not allowed). Someone else's: managers whose scope covers it; only the screenshot goes. See docs/decisions/0007-screenshot-deletion.md.",
    request: { params: ShotParams },
    responses: { 200: json(DeletionResult, "Deleted"), ...errorResponses } }),
  async (c) => c.json(await deleteScreenshot(c.get("ctx"), await requireActor(c), c.req.valid("param").shotId), 200),
);
