/**
 * The agent's offline queue: everything the tracker records goes here first (durably, encrypted)
 * and leaves only when the server has answered for it.
 *
 * Acknowledgement is an ack record in the same encrypted journal, not a rewrite. One file holds three
 * kinds of entries, replayed in order on open:
 *   rec  { seq, r }         a record (seq increases by one per append and is never reused)
 *   ack  { a: [id, seq][] } the server answered for `id` up to the revision stored at `seq`
 *   base { nextSeq }        first entry of a compacted file, so seqs keep increasing after compaction
 * Why a single journal rather than segment files deleted when fully acknowledged: an ack is then one
 * small synced append (the same durability path as a record), and compaction rewrites only what is
 * still unacknowledged, so disk use stays within about twice the unacknowledged bytes plus a
 * threshold, however the acknowledgements are spread. Segments would stay pinned by one record the
 * server keeps refusing to take, for example an in_future item waiting for the clock.
 *
 * Revisions: a running time entry or open slot is appended again with a higher rev as it grows.
 * `pending` offers only the latest revision of each id (the server keeps only increasing revs, so
 * older ones are pointless), placed where that id first appeared so a stopped entry still precedes
 * the next one. `ack` names the seq that was offered: it removes that revision and older ones, never
 * a newer revision appended while the upload was in flight.
 */
import { join } from "node:path";
import { z } from "zod";
import type { KeyStore } from "../ports";
import type { QueuedRecord, RecordSink } from "../records";
import { ensurePrivateDir } from "./durableFs";
import { EncryptedLog, HEADER_BYTES, removeUnfinishedReplace, type FrameRef, type OpenReport } from "./encryptedLog";
import { QueuedRecordSchema, recordId, recordRev } from "./recordSchema";
import { assertKey } from "./sealing";

const JournalEntry = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("rec"), seq: z.number().int().positive(), r: QueuedRecordSchema }),
  z.strictObject({ t: z.literal("ack"), a: z.array(z.tuple([z.string(), z.number().int().positive()])) }),
  z.strictObject({ t: z.literal("base"), nextSeq: z.number().int().positive() }),
]);
type JournalEntry = z.infer<typeof JournalEntry>;

export type RecordKind = QueuedRecord["kind"];

/** One unacknowledged record as offered for upload; pass `{ id, seq }` back to `ack`. */
export interface PendingRecord {
  id: string;
  seq: number;
  record: QueuedRecord;
}

export type AckRef = Pick<PendingRecord, "id" | "seq">;

export interface PendingOptions {
  kind?: RecordKind;
  /** Stop before the stored size of the records taken exceeds this (at least one is always taken). */
  maxBytes?: number;
  /** Ids to leave out (e.g. items the server asked to send later). */
  exclude?: ReadonlySet<string>;
}

export interface QueueStats {
  /** Distinct records waiting for the server (revisions of one entry count once). */
  records: number;
  /** Stored revisions waiting, including superseded ones not yet compacted away. */
  entries: number;
  /** Size of the queue file on disk. */
  fileBytes: number;
  /** Bytes of it that are still needed. */
  liveBytes: number;
}

export interface QueueOpenReport extends OpenReport {
  /** Entries that authenticated but did not parse (cannot happen unless the format changed); skipped. */
  invalid: number;
}

export interface RecordQueueOptions {
  /** A private directory for the queue (created 0700). */
  dir: string;
  keyStore: KeyStore;
  /** Compaction runs once the dead bytes exceed both this and the live bytes. Default 1 MiB. */
  compactAfterDeadBytes?: number;
}

interface LiveEntry {
  seq: number;
  id: string;
  rev: number;
  kind: RecordKind;
  ref: FrameRef;
}

/** A journal entry as replay needs it: records reduced to their index fields. */
type Replayed = Exclude<JournalEntry, { t: "rec" }> | { t: "rec"; seq: number; id: string; rev: number; kind: RecordKind };

const encode = (e: JournalEntry) => Buffer.from(JSON.stringify(e), "utf8");

export const QUEUE_FILE = "queue.wtq";

export class RecordQueue implements RecordSink {
  /** Live entries in seq order (insertion order of the Map). */
  private readonly live = new Map<number, LiveEntry>();
  private readonly byId = new Map<string, LiveEntry[]>();
  private liveBytes = 0;
  private nextSeq = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly appendListeners = new Set<() => void>();

  private constructor(
    private log: EncryptedLog,
    private readonly key: Uint8Array,
    private readonly compactAfterDeadBytes: number,
    readonly openReport: QueueOpenReport,
  ) {}

  static async open(opts: RecordQueueOptions): Promise<RecordQueue> {
    await ensurePrivateDir(opts.dir);
    const key = await opts.keyStore.loadOrCreateKey();
    assertKey(key);
    const path = join(opts.dir, QUEUE_FILE);
    await removeUnfinishedReplace(path);
    // Only what the index needs is kept while replaying; record bodies are re-read from disk on demand,
    // so opening a large backlog of screenshots does not hold the images in memory.
    const entries: { entry: Replayed; ref: FrameRef }[] = [];
    let invalid = 0;
    const { log, report } = await EncryptedLog.open(path, key, (plain, ref) => {
      let json: unknown;
      try {
        json = JSON.parse(plain.toString("utf8"));
      } catch {
        invalid++;
        return;
      }
      const parsed = JournalEntry.safeParse(json);
      if (!parsed.success) {
        invalid++;
        return;
      }
      const d = parsed.data;
      entries.push({ entry: d.t === "rec" ? { t: "rec", seq: d.seq, id: recordId(d.r), rev: recordRev(d.r), kind: d.r.kind } : d, ref });
    });
    const q = new RecordQueue(log, key, opts.compactAfterDeadBytes ?? 1024 * 1024, { ...report, invalid });
    for (const { entry, ref } of entries) q.replay(entry, ref);
    await q.serial(() => q.compactIfWorthIt());
    return q;
  }

  /** Appends durably (RecordSink): resolves once the record is on disk. Throws on a record that breaks the contract. */
  async append(record: QueuedRecord): Promise<void> {
    const r = QueuedRecordSchema.parse(record);
    await this.serial(async () => {
      const seq = this.nextSeq;
      const ref = await this.log.append(encode({ t: "rec", seq, r }));
      this.nextSeq = seq + 1;
      this.index({ seq, id: recordId(r), rev: recordRev(r), kind: r.kind, ref });
    });
    for (const l of this.appendListeners) l();
  }

  /** Called after each successful append (the uploader wakes up). Returns an unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** The oldest unacknowledged records, at most `limit`, one (the latest revision) per id. */
  pending(limit: number, opts: PendingOptions = {}): Promise<PendingRecord[]> {
    return this.serial(async () => {
      const picked: LiveEntry[] = [];
      const seen = new Set<string>();
      let bytes = 0;
      for (const e of this.live.values()) {
        if (picked.length >= limit) break;
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        if ((opts.kind && e.kind !== opts.kind) || opts.exclude?.has(e.id)) continue;
        const latest = latestRevision(this.byId.get(e.id)!);
        if (picked.length > 0 && opts.maxBytes !== undefined && bytes + latest.ref.length > opts.maxBytes) break;
        picked.push(latest);
        bytes += latest.ref.length;
      }
      const out: PendingRecord[] = [];
      for (const e of picked) {
        const entry = JournalEntry.parse(JSON.parse((await this.log.read(e.ref)).toString("utf8")));
        if (entry.t !== "rec") throw new Error("The queue index points at a non-record entry.");
        out.push({ id: e.id, seq: e.seq, record: entry.r });
      }
      return out;
    });
  }

  /** Removes what the server answered for, durably: each `{ id, seq }` and every older revision of that id. */
  ack(acks: readonly AckRef[]): Promise<void> {
    return this.serial(async () => {
      const effective = acks.filter((a) => this.byId.get(a.id)?.some((e) => e.seq <= a.seq));
      if (effective.length === 0) return;
      await this.log.append(encode({ t: "ack", a: effective.map((a) => [a.id, a.seq]) }));
      for (const a of effective) this.applyAck(a.id, a.seq);
      await this.compactIfWorthIt();
    });
  }

  /** Whether a record with this id still waits for the server. */
  holds(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Drops a record before it was uploaded (the employee deleted a screenshot that never left the
   * machine). True when there was one: it is acknowledged locally, so it is never sent.
   */
  async discard(id: string): Promise<boolean> {
    const revisions = this.byId.get(id);
    if (!revisions?.length) return false;
    await this.ack([{ id, seq: Math.max(...revisions.map((e) => e.seq)) }]);
    return true;
  }

  stats(): QueueStats {
    return { records: this.byId.size, entries: this.live.size, fileBytes: this.log.size, liveBytes: this.liveBytes };
  }

  /** Rewrites the file with only the unacknowledged entries (normally automatic after acks). */
  compact(): Promise<void> {
    return this.serial(() => this.rewrite());
  }

  close(): Promise<void> {
    return this.serial(() => this.log.close());
  }

  private replay(entry: Replayed, ref: FrameRef): void {
    switch (entry.t) {
      case "rec":
        this.index({ seq: entry.seq, id: entry.id, rev: entry.rev, kind: entry.kind, ref });
        this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
        return;
      case "ack":
        for (const [id, seq] of entry.a) this.applyAck(id, seq);
        return;
      case "base":
        this.nextSeq = Math.max(this.nextSeq, entry.nextSeq);
        return;
    }
  }

  private index(e: LiveEntry): void {
    this.live.set(e.seq, e);
    this.liveBytes += e.ref.length;
    const list = this.byId.get(e.id);
    if (list) list.push(e);
    else this.byId.set(e.id, [e]);
  }

  private applyAck(id: string, seq: number): void {
    const list = this.byId.get(id);
    if (!list) return;
    const keep = list.filter((e) => e.seq > seq);
    for (const e of list) {
      if (e.seq <= seq) {
        this.live.delete(e.seq);
        this.liveBytes -= e.ref.length;
      }
    }
    if (keep.length) this.byId.set(id, keep);
    else this.byId.delete(id);
  }

  private async compactIfWorthIt(): Promise<void> {
    const dead = this.log.size - HEADER_BYTES - this.liveBytes;
    if (dead > this.compactAfterDeadBytes && dead > this.liveBytes) await this.rewrite();
  }

  /** Copies the live entries into a fresh file (new file id and subkey) and renames it over the journal. */
  private async rewrite(): Promise<void> {
    const moved = new Map<number, FrameRef>();
    const next = await EncryptedLog.replace(this.log.filePath, this.key, async (log) => {
      await log.append(encode({ t: "base", nextSeq: this.nextSeq }), { sync: false });
      for (const e of this.live.values()) moved.set(e.seq, await log.append(await this.log.read(e.ref), { sync: false }));
    });
    await this.log.close().catch(() => undefined);
    this.log = next;
    this.liveBytes = 0;
    for (const e of this.live.values()) {
      e.ref = moved.get(e.seq)!;
      this.liveBytes += e.ref.length;
    }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function latestRevision(list: readonly LiveEntry[]): LiveEntry {
  let best = list[0]!;
  for (const e of list) if (e.rev > best.rev || (e.rev === best.rev && e.seq > best.seq)) best = e;
  return best;
}
