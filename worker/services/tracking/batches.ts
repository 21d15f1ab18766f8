/**
 * The agent's batch upload (issue 3, "The ingest protocol"). The Worker resolves everything that
 * lives in D1 — who the device belongs to, the workspace's privacy rules, which projects and tasks
 * the member may record time on, in one round trip (agentAuth.ts) — and hands the batch to the
 * workspace's Durable Object, which validates every item and writes the valid ones in one
 * transaction (worker/workspace/ingest.ts).
 */
import { scopeFor } from "../../authz/permissions";
import { IdleItem, type IngestEnvelope, type IngestResponse, type ItemResult } from "../../contract/agent";
import { appendAudit } from "../audit";
import { forbidden } from "../../http/problem";
import { measureClockOffset } from "../../workspace/ingest";
import type { WorkspaceObject } from "../../workspace/WorkspaceObject";
import type { ServiceContext } from "../context";
import type { DevicePrincipal } from "./devices";
import type { IngestGate } from "./agentAuth";

/** Stores a batch for the device of `gate` (authenticated, counted, and with its D1 facts loaded by agentAuth.ts). */
export async function uploadBatch(ctx: ServiceContext, gate: IngestGate, batch: IngestEnvelope): Promise<IngestResponse> {
  const { device: dp, settings, references } = gate;
  // A member whose role no longer records time (e.g. changed to project viewer) keeps nothing new.
  if (!scopeFor(dp.member.role, "time", "create", { managersSeeApps: true, managersSeeScreenshots: true })) {
    throw forbidden("tracking_not_allowed", "Your role in this workspace does not record time.");
  }
  const receivedAt = ctx.now();
  const clockOffsetMs = measureClockOffset(batch.sentAt, receivedAt);
  const stub = ctx.env.WORKSPACE.get(ctx.env.WORKSPACE.idFromName(dp.workspace.id)) as DurableObjectStub<WorkspaceObject>;
  const results = await stub.ingest({
    memberId: dp.member.id, deviceId: dp.device.id, timeZone: dp.member.timeZone, clockOffsetMs, receivedAt,
    items: batch.items,
    rules: { exclusions: settings.exclusions, captureTitles: settings.captureTitles, trackUrls: settings.trackUrls, trackApps: settings.trackApps },
    references,
  });
  await auditIdleDecisions(ctx, dp, batch.items, results);
  return { receivedAt: new Date(receivedAt).toISOString(), clockOffsetMs, results };
}

const isIdle = (raw: unknown) => typeof raw === "object" && raw !== null && "kind" in raw && raw.kind === "idle";

/** "The outcome is audited" (issue 3): each newly stored keep / discard / reassign decision. */
async function auditIdleDecisions(ctx: ServiceContext, dp: DevicePrincipal, items: unknown[], results: ItemResult[]) {
  for (const [i, raw] of items.entries()) {
    // Most items are usage spans: look at the kind before paying for a failed parse of each.
    if (results[i]?.status !== "stored" || !isIdle(raw)) continue;
    const idle = IdleItem.safeParse(raw);
    if (!idle.success) continue;
    const { id, start, end, decision, projectId } = idle.data;
    await appendAudit(ctx, {
      chain: dp.workspace.id, actorUserId: dp.member.userId, action: "time.idle_decided", targetType: "idle_span", targetId: id,
      data: { start, end, decision, projectId: projectId ?? null, deviceId: dp.device.id },
    });
  }
}
