/**
 * Moves the queue to the server: items in batches, screenshots one by one, each record removed only
 * once the server has answered for it.
 *
 * What is acknowledged (removed from the queue):
 * - items answered `stored` or `duplicate`, and screenshots answered `stored` or `duplicate`;
 * - items `rejected` for a permanent reason (every code but in_future: invalid, excluded, too old,
 *   overlapping, unknown project…): re-sending gives the same answer (ADR 0006), so they are
 *   reported through onEvent and dropped instead of being retried forever;
 * - screenshots refused with 400/409/413/415/422 (screenshots disabled, slot full, not an envelope,
 *   too old for the retention), for the same reason.
 * `in_future` is the one rejection that time can cure (the device clock was corrected after the
 * items were recorded): such items are set aside for a few minutes and retried, and dropped after a
 * day of refusals.
 *
 * What is kept and retried after a back-off: network failures, timeouts, 5xx, 429 (after its
 * Retry-After), 403 and any other answer that says nothing about the items. 401 with
 * invalid_device_token / device_token_expired stops the uploader and reports "signed out"; nothing is
 * acknowledged and the queue waits for the next sign-in.
 */
import { MAX_BATCH_ITEMS, type IngestItem, type IngestResponse } from "../../../../worker/contract/agent";
import type { ScreenshotUploadResult } from "../../../../worker/contract/screenshots";
import { systemClock, type Clock } from "../ports";
import type { ScreenshotRecord } from "../records";
import type { AckRef, PendingOptions, PendingRecord } from "../queue/queue";
import { ApiError, isSignedOut, NetworkError, ProtocolError } from "./apiErrors";
import { Backoff } from "./backoff";
import { linkedSignal } from "./linkedSignal";

/** What the uploader needs of the queue (RecordQueue). */
export interface UploadQueue {
  pending(limit: number, opts?: PendingOptions): Promise<PendingRecord[]>;
  ack(acks: readonly AckRef[]): Promise<void>;
  onAppend?(listener: () => void): () => void;
}

/** What the uploader needs of the server (ApiClient). */
export interface UploadApi {
  uploadBatch(items: readonly IngestItem[], signal?: AbortSignal): Promise<IngestResponse>;
  uploadScreenshot(shot: ScreenshotRecord, signal?: AbortSignal): Promise<ScreenshotUploadResult>;
  readonly clockOffsetMs: number | null;
}

export type UploadEvent =
  | { type: "uploaded"; items: number; screenshots: number }
  /** Dropped for good: the server refused it for a reason a retry cannot change. */
  | { type: "rejected"; id: string; kind: string; code: string; field?: string; detail?: string }
  | { type: "deferred"; id: string; code: "in_future"; retryAt: number }
  | { type: "retrying"; error: Error; delayMs: number; attempt: number }
  | { type: "signed_out"; error: ApiError };

export interface UploaderStatus {
  /** null until the first request; then whether the last one reached the server. */
  online: boolean | null;
  /** When the server last answered a request (epoch ms). */
  lastSyncAt: number | null;
  /** When the next retry is due while backing off. */
  nextAttemptAt: number | null;
  lastError: string | null;
  signedOut: boolean;
  running: boolean;
}

export interface FlushResult {
  /** Everything that could be sent was answered for (items set aside as in_future excepted). */
  complete: boolean;
  error?: Error;
}

export interface UploaderOptions {
  queue: UploadQueue;
  api: UploadApi;
  clock?: Clock;
  backoff?: Backoff;
  onEvent?: (event: UploadEvent) => void;
  /** Injectable for tests. Resolves after `ms` or as soon as `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Default MAX_BATCH_ITEMS (500), the server's limit. */
  maxBatchItems?: number;
  /** JSON bytes per batch; default 900 kB, under the server's 1 MB body limit. */
  maxBatchBytes?: number;
  /** With nothing to do, look at the queue again after this long (in_future items come back). Default 60 s. */
  pollMs?: number;
  /** After an append, wait this long so records written together go in one batch. Default 2 s. */
  coalesceMs?: number;
  /** How long an in_future item is set aside before it is tried again. Default 5 min. */
  inFutureRetryMs?: number;
  /** An item refused as in_future for this long is dropped. Default 24 h. */
  inFutureGiveUpMs?: number;
}

const ENVELOPE_OVERHEAD = 64; // {"sentAt":"…","items":[…]}

const PERMANENT_SHOT_STATUS = new Set([400, 409, 413, 415, 422]);

export const defaultSleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted) return resolve();
  const done = () => {
    clearTimeout(timer);
    signal.removeEventListener("abort", done);
    resolve();
  };
  const timer = setTimeout(done, ms);
  signal.addEventListener("abort", done, { once: true });
});

export class Uploader {
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly maxBatchItems: number;
  private readonly maxBatchBytes: number;
  private readonly pollMs: number;
  private readonly coalesceMs: number;
  private readonly inFutureRetryMs: number;
  private readonly inFutureGiveUpMs: number;
  /** Items refused as in_future: first refusal and when to try again. */
  private readonly deferred = new Map<string, { since: number; retryAt: number }>();
  /** Shrinks after a 413 (for the rest of the round). */
  private itemCap: number;
  private loop: Promise<void> | null = null;
  private loopAbort: AbortController | null = null;
  private wake: (() => void) | null = null;
  private workArrived = false;
  private flushing: Promise<FlushResult> | null = null;
  private readonly unsubscribe: (() => void) | null;
  private readonly statusListeners = new Set<() => void>();
  private state: UploaderStatus = { online: null, lastSyncAt: null, nextAttemptAt: null, lastError: null, signedOut: false, running: false };

  constructor(private readonly opts: UploaderOptions) {
    this.clock = opts.clock ?? systemClock;
    this.backoff = opts.backoff ?? new Backoff();
    this.sleep = opts.sleep ?? defaultSleep;
    this.maxBatchItems = Math.min(opts.maxBatchItems ?? MAX_BATCH_ITEMS, MAX_BATCH_ITEMS);
    this.maxBatchBytes = opts.maxBatchBytes ?? 900_000;
    this.pollMs = opts.pollMs ?? 60_000;
    this.coalesceMs = opts.coalesceMs ?? 2000;
    this.inFutureRetryMs = opts.inFutureRetryMs ?? 5 * 60_000;
    this.inFutureGiveUpMs = opts.inFutureGiveUpMs ?? 24 * 3600_000;
    this.itemCap = this.maxBatchItems;
    this.unsubscribe = opts.queue.onAppend?.(() => this.notify()) ?? null;
  }

  /** Server minus agent clock (ms), as last measured by the server; null before any answer. */
  get clockOffsetMs(): number | null {
    return this.opts.api.clockOffsetMs;
  }

  status(): UploaderStatus {
    return { ...this.state };
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Starts the background loop (again after a sign-in). */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.loopAbort = abort;
    this.setState({ running: true, signedOut: false });
    this.loop = this.run(abort.signal).finally(() => {
      this.loop = null;
      this.setState({ running: false, nextAttemptAt: null });
    });
  }

  /** New records are waiting (called on every queue append). Does not cut a back-off short. */
  notify(): void {
    this.workArrived = true;
    this.wake?.();
  }

  /** Stops the loop; an upload in flight is cancelled (its records stay queued and are re-sent later, safely). */
  async stop(): Promise<void> {
    this.loopAbort?.abort();
    await this.loop;
  }

  /** Stops for good (the uploader is not used again). */
  async dispose(): Promise<void> {
    await this.stop();
    this.unsubscribe?.();
  }

  /**
   * Sends what is queued now, ignoring any back-off, until done or `timeoutMs` has passed (on stop
   * and before exit). A running loop is paused meanwhile and resumes afterwards.
   */
  flush(timeoutMs: number): Promise<FlushResult> {
    this.flushing ??= this.doFlush(timeoutMs).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async doFlush(timeoutMs: number): Promise<FlushResult> {
    const wasRunning = this.loop !== null;
    await this.stop();
    let result: FlushResult;
    try {
      await this.drain(AbortSignal.timeout(timeoutMs));
      result = { complete: true };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (isSignedOut(e)) this.signedOut(e);
      else this.setState({ online: onlineAfter(e, this.state.online), lastError: error.message });
      result = { complete: false, error };
    }
    if (wasRunning && !this.state.signedOut) this.start();
    return result;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.workArrived = false;
        await this.drain(signal);
        await this.idle(signal);
      } catch (e) {
        if (signal.aborted) return;
        if (isSignedOut(e)) {
          this.signedOut(e);
          return;
        }
        const error = e instanceof Error ? e : new Error(String(e));
        const delayMs = this.backoff.next(e instanceof ApiError ? e.retryAfterMs : null);
        this.setState({ online: onlineAfter(e, this.state.online), lastError: error.message, nextAttemptAt: this.clock.now() + delayMs });
        this.opts.onEvent?.({ type: "retrying", error, delayMs, attempt: this.backoff.attempts });
        await this.sleep(delayMs, signal);
        this.setState({ nextAttemptAt: null });
      }
    }
  }

  /** Waits for an append (then a short coalescing pause) or the poll interval. */
  private async idle(signal: AbortSignal): Promise<void> {
    if (!this.workArrived) {
      const woken = linkedSignal(signal);
      this.wake = () => woken.abort();
      try {
        await this.sleep(this.pollMs, woken.signal);
      } finally {
        this.wake = null;
        woken.dispose();
      }
    }
    if (this.workArrived && !signal.aborted) await this.sleep(this.coalesceMs, signal);
  }

  /** Uploads until nothing sendable is left; throws on the first failure that needs a retry. */
  private async drain(signal: AbortSignal): Promise<void> {
    // A 413 shrinks batches for the rest of this round only: the byte budget normally prevents it.
    this.itemCap = this.maxBatchItems;
    let progress = true;
    while (progress) {
      progress = false;
      while (await this.sendNextBatch(signal)) progress = true;
      while (await this.sendNextScreenshot(signal)) progress = true;
    }
  }

  /** true when the batch moved something out of the queue (so the next one may follow at once). */
  private async sendNextBatch(signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    const now = this.clock.now();
    const exclude = new Set<string>();
    for (const [id, d] of this.deferred) if (d.retryAt > now) exclude.add(id);
    const pending = await this.opts.queue.pending(this.itemCap, { kind: "item", maxBytes: this.maxBatchBytes, exclude });
    const batch = fitBatch(pending, this.maxBatchBytes);
    if (batch.length === 0) return false;
    const items = batch.map((p) => (p.record as { kind: "item"; item: IngestItem }).item);
    let answer: IngestResponse;
    try {
      answer = await this.opts.api.uploadBatch(items, signal);
    } catch (e) {
      if (e instanceof ApiError && e.status === 413) return this.shrink(batch, e);
      throw e;
    }
    const results = answer.results;
    if (results.length !== batch.length || results.some((r, i) => r.id !== batch[i]!.id)) {
      throw new ProtocolError("The batch answer does not list the items in the order they were sent.");
    }
    const acks: AckRef[] = [];
    results.forEach((r, i) => {
      const p = batch[i]!;
      if (r.status !== "rejected") {
        this.deferred.delete(p.id);
        acks.push(p);
      } else if (r.code === "in_future" && this.deferItem(p.id)) {
        // Set aside; see deferItem.
      } else {
        this.deferred.delete(p.id);
        acks.push(p);
        this.opts.onEvent?.({ type: "rejected", id: p.id, kind: items[i]!.kind, code: r.code ?? "rejected", field: r.field, detail: r.detail });
      }
    });
    await this.opts.queue.ack(acks);
    this.reached();
    this.opts.onEvent?.({ type: "uploaded", items: acks.length, screenshots: 0 });
    return acks.length > 0;
  }

  /** 413: halve the batch and go on; a lone item the server will never take is dropped. */
  private async shrink(batch: PendingRecord[], e: ApiError): Promise<boolean> {
    if (batch.length > 1) {
      this.itemCap = Math.max(1, Math.floor(batch.length / 2));
      return true;
    }
    const p = batch[0]!;
    this.itemCap = this.maxBatchItems;
    await this.opts.queue.ack([p]);
    this.opts.onEvent?.({ type: "rejected", id: p.id, kind: p.record.kind === "item" ? p.record.item.kind : "screenshot", code: e.code, detail: e.message });
    return true;
  }

  /** Sets an in_future item aside for a while; false once it has been refused for too long (then it is dropped). */
  private deferItem(id: string): boolean {
    const now = this.clock.now();
    const since = this.deferred.get(id)?.since ?? now;
    if (now - since >= this.inFutureGiveUpMs) {
      this.deferred.delete(id);
      return false;
    }
    const retryAt = now + this.inFutureRetryMs;
    this.deferred.set(id, { since, retryAt });
    this.opts.onEvent?.({ type: "deferred", id, code: "in_future", retryAt });
    return true;
  }

  private async sendNextScreenshot(signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    const [p] = await this.opts.queue.pending(1, { kind: "screenshot" });
    if (!p || p.record.kind !== "screenshot") return false;
    try {
      await this.opts.api.uploadScreenshot(p.record, signal);
    } catch (e) {
      if (!(e instanceof ApiError) || e.signedOut || !PERMANENT_SHOT_STATUS.has(e.status)) throw e;
      await this.opts.queue.ack([p]);
      this.reached();
      this.opts.onEvent?.({ type: "rejected", id: p.id, kind: "screenshot", code: e.code, detail: e.message });
      return true;
    }
    await this.opts.queue.ack([p]);
    this.reached();
    this.opts.onEvent?.({ type: "uploaded", items: 0, screenshots: 1 });
    return true;
  }

  /** The server answered a request: the back-off starts from the beginning next time. */
  private reached(): void {
    this.backoff.reset();
    this.setState({ online: true, lastSyncAt: this.clock.now(), lastError: null });
  }

  private signedOut(error: ApiError): void {
    this.setState({ signedOut: true, online: true, lastError: error.message });
    this.opts.onEvent?.({ type: "signed_out", error });
  }

  private setState(patch: Partial<UploaderStatus>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.statusListeners) l();
  }
}

/** A failure to reach the server means offline; any answer from it means online; other failures (the disk) say nothing. */
function onlineAfter(e: unknown, before: boolean | null): boolean | null {
  if (e instanceof NetworkError) return false;
  if (e instanceof ApiError || e instanceof ProtocolError) return true;
  return before;
}

/** The longest prefix whose JSON stays within the byte budget (at least one item, so nothing is stuck). */
function fitBatch(pending: PendingRecord[], maxBytes: number): PendingRecord[] {
  let bytes = ENVELOPE_OVERHEAD;
  const out: PendingRecord[] = [];
  for (const p of pending) {
    if (p.record.kind !== "item") continue;
    const size = Buffer.byteLength(JSON.stringify(p.record.item)) + 1;
    if (out.length > 0 && bytes + size > maxBytes) break;
    out.push(p);
    bytes += size;
  }
  return out;
}
