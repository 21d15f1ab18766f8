/**
 * The agent's own record of what it recorded: every item (latest revision per id) and the metadata
 * of every screenshot (never the image), kept encrypted in the data directory like the queue. The
 * queue forgets what the server acknowledged; this does not, so the employee sees today's entries
 * after a restart ("what is recorded"), and `status --json` can be compared with the server's data
 * (the end-to-end fault run does exactly that).
 */
import { join } from "node:path";
import { z } from "zod";
import { IngestItem, IsoTime, ITEM_MAX_AGE_MS } from "../../../worker/contract/agent";
import type { KeyStore } from "./ports";
import { ensurePrivateDir } from "./queue/durableFs";
import { EncryptedLog, removeUnfinishedReplace } from "./queue/encryptedLog";
import type { QueuedRecord, RecordSink } from "./records";

export const HISTORY_FILE = "history.wtl";

/**
 * What the history keeps: the server accepts nothing older than ITEM_MAX_AGE_MS, so older records
 * can no longer be compared or re-sent. Compaction on open drops them and old revisions, so the
 * file of an agent that runs for years stays about two months of records.
 */
const KEEP_MS = ITEM_MAX_AGE_MS;
/** Compact on open when the file holds this many more frames than live records. */
const COMPACT_SLACK = 2_000;

const ShotMeta = z.strictObject({
  kind: z.literal("shot"),
  shotId: z.string(),
  takenAt: IsoTime,
  slotStart: IsoTime,
  display: z.number().int(),
  app: z.string().nullable(),
});
export type ShotMeta = z.infer<typeof ShotMeta>;

const Entry = z.discriminatedUnion("kind", [z.strictObject({ kind: z.literal("item"), item: IngestItem }), ShotMeta]);
type Entry = z.infer<typeof Entry>;

const revOf = (item: IngestItem) => ("rev" in item ? item.rev : 0);
const encode = (e: Entry) => new TextEncoder().encode(JSON.stringify(e));

/** When a record's time ends (a running entry: its start). */
function endOf(e: Entry): number {
  if (e.kind === "shot") return Date.parse(e.takenAt);
  const item = e.item;
  switch (item.kind) {
    case "time_entry": return Date.parse(item.end ?? item.start);
    case "slot": return Date.parse(item.slotStart) + 600_000;
    default: return Date.parse(item.end);
  }
}

export interface HistoryView {
  items: IngestItem[];
  shots: ShotMeta[];
}

export class History {
  private readonly items = new Map<string, IngestItem>();
  private readonly shots = new Map<string, ShotMeta>();

  private constructor(private log: EncryptedLog) {}

  static async open(dataDir: string, keyStore: KeyStore, now = Date.now()): Promise<History> {
    await ensurePrivateDir(dataDir);
    const key = await keyStore.loadOrCreateKey();
    const path = join(dataDir, HISTORY_FILE);
    await removeUnfinishedReplace(path);
    const entries: Entry[] = [];
    const { log } = await EncryptedLog.open(path, key, (plain) => {
      // Every row read back from disk is parsed; one that does not parse is skipped, not trusted.
      let json: unknown = null;
      try { json = JSON.parse(plain.toString("utf8")); } catch { /* skipped below */ }
      const parsed = Entry.safeParse(json);
      if (parsed.success) entries.push(parsed.data);
    });
    const history = new History(log);
    const cutoff = now - KEEP_MS;
    for (const e of entries) if (endOf(e) >= cutoff) history.remember(e);
    const live = history.items.size + history.shots.size;
    if (entries.length - live > COMPACT_SLACK) await history.compact(path, key);
    return history;
  }

  /** Rewrites the file with the live records only. */
  private async compact(path: string, key: Uint8Array) {
    const next = await EncryptedLog.replace(path, key, async (log) => {
      for (const e of this.entries()) await log.append(encode(e), { sync: false });
    });
    await this.log.close().catch(() => undefined);
    this.log = next;
  }

  private *entries(): Iterable<Entry> {
    for (const item of this.items.values()) yield { kind: "item", item };
    yield* this.shots.values();
  }

  private remember(e: Entry) {
    if (e.kind === "shot") {
      this.shots.set(e.shotId, e);
      return;
    }
    const known = this.items.get(e.item.id);
    if (!known || revOf(e.item) >= revOf(known)) this.items.set(e.item.id, e.item);
  }

  async append(record: QueuedRecord): Promise<void> {
    const entry: Entry = record.kind === "item"
      ? record
      : { kind: "shot", shotId: record.shotId, takenAt: record.takenAt, slotStart: record.slotStart, display: record.display, app: record.app };
    // Not synced on its own: the queue's append (same moment, synced) is what must survive a crash;
    // this view may lose its last second with it.
    await this.log.append(encode(entry), { sync: false });
    this.remember(entry);
  }

  view(): HistoryView {
    return { items: [...this.items.values()], shots: [...this.shots.values()] };
  }

  async close(): Promise<void> {
    await this.log.sync().catch(() => undefined);
    await this.log.close();
  }
}

/** The tracker's sink: the queue first (durable, for upload), then the history. */
export function teeSink(queue: RecordSink, history: History): RecordSink {
  return {
    async append(record) {
      await queue.append(record);
      await history.append(record);
    },
  };
}
