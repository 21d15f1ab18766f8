/**
 * What the tracker produces and the queue stores: the ingest protocol's items (worker/contract/agent.ts,
 * shared with the Worker) plus the agent's own records that are not uploaded as batch items.
 */
import type { IngestItem } from "../../../worker/contract/agent";
import type { HeartbeatActivity } from "../../../worker/contract/live";

export type { IngestItem };

/** One encrypted screenshot waiting for upload (the ciphertext only ever exists sealed). */
export interface ScreenshotRecord {
  kind: "screenshot";
  shotId: string;
  takenAt: string;
  slotStart: string;
  display: number;
  activity: number | null;
  app: string | null;
  contentType: string;
  /** HPKE envelopes (worker/crypto/hpke.ts), base64. */
  full: string;
  thumb: string;
}

/** The running timer as a heartbeat reports it (docs/agent-protocol.md §3). */
export type HeartbeatEntry = NonNullable<HeartbeatActivity["entry"]>;
/** The focused app or site as a heartbeat reports it: already through the agent's privacy filter. */
export type HeartbeatApp = NonNullable<HeartbeatActivity["app"]>;

/**
 * A heartbeat to send (they are not queued across restarts: stale presence is useless). `entry` and
 * `app` feed the live board; left out (undefined), the server keeps what it knew, which is how older
 * agents behaved. This agent always says both (null: no timer / nothing that may be shown).
 */
export interface HeartbeatRecord {
  at: string;
  state: "tracking" | "idle" | "stopped";
  entry?: HeartbeatEntry | null;
  app?: HeartbeatApp | null;
}

export type QueuedRecord = { kind: "item"; item: IngestItem } | ScreenshotRecord;

/** Where the tracker puts what it records (the encrypted queue in the agent, an array in tests). */
export interface RecordSink {
  /** Appends durably: when the promise resolves the record survives a crash. */
  append(record: QueuedRecord): Promise<void>;
}
