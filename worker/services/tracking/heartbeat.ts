/**
 * Presence: the agent says on every state change and about once a minute what it is doing. The
 * workspace's Durable Object keeps it as the member's live-board row (issue 5), stamped with the
 * time the server received it: presence is about when we last heard from the device, and the
 * agent's own clock may be off. The agent's `at` is used to tell it that offset, which it applies
 * to what it records, and to move the running entry's start onto the server's clock.
 *
 * What the heartbeat says beyond the state (HeartbeatActivity) passes the same checks as a batch
 * before the object sees it: the entry's project and task must be ones the member may record time
 * on (422 otherwise), and the focused app goes through the workspace's privacy rules exactly as a
 * usage span does — except that an excluded app is not an error but simply not shown (the heartbeat
 * still counts as presence).
 */
import { FUTURE_TOLERANCE_MS } from "../../contract/agent";
import type { HeartbeatActivity } from "../../contract/live";
import { validationFailed, type FieldError } from "../../http/problem";
import { filterUsage, type PrivacyRules, type References } from "../../workspace/ingest";
import type { ServiceContext } from "../context";
import { workspaceObject } from "../time/object";
import type { IngestGate } from "./agentAuth";

export const HEARTBEAT_STATES = ["tracking", "idle", "stopped"] as const;
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export interface HeartbeatInput extends HeartbeatActivity {
  /** The agent's clock, epoch ms. */
  at: number;
  state: HeartbeatState;
}

export interface HeartbeatReceipt {
  receivedAt: number;
  /** Server time minus agent time, in ms: add it to the agent's clock to get server time. */
  clockOffsetMs: number;
}

type BoardEntry = { id: string; startMs: number; projectId: string | null; taskId: string | null };
type BoardApp = { name: string; title: string | null; url: string | null };

export async function recordHeartbeat(ctx: ServiceContext, gate: IngestGate, input: HeartbeatInput): Promise<HeartbeatReceipt> {
  const { device: dp, settings, references } = gate;
  const receivedAt = ctx.now();
  const clockOffsetMs = receivedAt - input.at;
  const entry = input.entry === undefined ? undefined : boardEntry(input.entry, references, clockOffsetMs, receivedAt);
  const app = input.app === undefined ? undefined : boardApp(input.app, settings);
  await workspaceObject(ctx, dp.workspace.id).recordHeartbeat({
    memberId: dp.member.id, deviceId: dp.device.id, receivedAt, state: input.state, timeZone: dp.member.timeZone,
    offlineAfterMs: settings.offlineAfterSeconds * 1000, entry, app,
  });
  return { receivedAt, clockOffsetMs };
}

/** The running entry on the server's clock, or 422 naming the project or task the member may not use. */
function boardEntry(e: Exclude<HeartbeatActivity["entry"], undefined>, refs: References, clockOffsetMs: number, receivedAt: number): BoardEntry | null {
  if (e === null) return null;
  const errors: FieldError[] = [];
  if (e.projectId !== null && !refs.projectIds.includes(e.projectId)) {
    errors.push({ field: "entry.projectId", code: "unknown_project", message: "No such project, or you cannot record time on it." });
  } else if (e.taskId !== null && !refs.tasks.some((t) => t.id === e.taskId && t.projectId === e.projectId)) {
    errors.push({ field: "entry.taskId", code: "unknown_task", message: "No such task in this project." });
  }
  const startMs = Date.parse(e.start) + clockOffsetMs;
  if (startMs > receivedAt + FUTURE_TOLERANCE_MS) {
    errors.push({ field: "entry.start", code: "in_future", message: "More than 5 minutes after server time, even after correcting the device clock." });
  }
  if (errors.length) throw validationFailed(errors);
  // Within the tolerance a start just ahead of us is the clock offset's jitter: the timer starts now.
  return { id: e.id, startMs: Math.min(startMs, receivedAt), projectId: e.projectId, taskId: e.taskId };
}

/** The focused app after the workspace's privacy rules: null when excluded or when apps are not recorded. */
function boardApp(a: Exclude<HeartbeatActivity["app"], undefined>, rules: PrivacyRules): BoardApp | null {
  if (a === null) return null;
  // filterUsage judges a usage span; only its app, title and url matter here.
  const f = filterUsage({ kind: "usage", id: "", app: a.name, title: a.title, url: a.url, start: "", end: "" }, rules);
  return f.ok ? { name: f.app, title: f.title, url: f.url } : null;
}
