/**
 * Frames on a live socket (worker/contract/live.ts). Client frames are judged here; server frames
 * are assembled from row JSON that the fan-out rendered once per projection shape, so a delta for
 * hundreds of sockets is one string built once.
 */
import { LIVE_CLOSE, LIVE_MAX_CLIENT_FRAME, LIVE_PING, LiveClientFrame } from "../../contract/live";

/** What to do with one message from a browser. */
export type ClientVerdict =
  | { kind: "frame"; frame: LiveClientFrame }
  /** "ping" that reached the object (the runtime's auto-response normally answers it). */
  | { kind: "ping" }
  | { kind: "close"; code: number; reason: string };

const encoder = new TextEncoder();

export function judgeClientMessage(message: string | ArrayBuffer): ClientVerdict {
  if (typeof message !== "string") return { kind: "close", code: LIVE_CLOSE.policy, reason: "Binary frames are not accepted." };
  // A UTF-16 length above the limit is always over it in bytes too; below it, count the bytes.
  if (message.length > LIVE_MAX_CLIENT_FRAME || encoder.encode(message).byteLength > LIVE_MAX_CLIENT_FRAME) {
    return { kind: "close", code: LIVE_CLOSE.tooBig, reason: "Frame too large." };
  }
  if (message === LIVE_PING) return { kind: "ping" };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: "close", code: LIVE_CLOSE.policy, reason: "Frames must be JSON." };
  }
  const parsed = LiveClientFrame.safeParse(json);
  if (!parsed.success) return { kind: "close", code: LIVE_CLOSE.policy, reason: "Unknown frame." };
  return { kind: "frame", frame: parsed.data };
}

export interface FrameClock {
  epoch: string;
  seq: number;
  serverTime: number;
}

/** `members` and `upsert` are arrays of already serialized LiveMember JSON. */
export function snapshotFrame(c: FrameClock, members: string[]): string {
  return `{"type":"snapshot","epoch":${JSON.stringify(c.epoch)},"seq":${c.seq},"serverTime":${c.serverTime},"members":[${members.join(",")}]}`;
}

export function deltaFrame(c: FrameClock, upsert: string[], remove: string[]): string {
  return `{"type":"delta","epoch":${JSON.stringify(c.epoch)},"seq":${c.seq},"serverTime":${c.serverTime},"upsert":[${upsert.join(",")}],"remove":${JSON.stringify(remove)}}`;
}
