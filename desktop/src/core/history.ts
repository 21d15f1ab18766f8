/**
 * The agent's own record of what it recorded: every item (latest revision per id) and the metadata
 * of every screenshot (never the image), kept encrypted in the data directory like the queue. The
 * queue forgets what the server acknowledged; this does not, so the employee sees today's entries
 * after a restart ("what is recorded"), and `status --json` can be compared with the server's data
 * (the end-to-end fault run does exactly that).
 */
import { join } from "node:path";
import { z } from "zod";
import { IngestItem, IsoTime } from "../../../worker/contract/agent";
import type { KeyStore } from "./ports";
import { ensurePrivateDir } from "./queue/durableFs";
import { EncryptedLog } from "./queue/encryptedLog";
import type { QueuedRecord, RecordSink } from "./records";

export const HISTORY_FILE = "history.wtl";

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

export interface HistoryView {
  items: IngestItem[];
  shots: ShotMeta[];
}

export class History {
  private readonly items = new Map<string, IngestItem>();
  private readonly shots = new Map<string, ShotMeta>();

  private constructor(private readonly log: EncryptedLog) {}

  static async open(dataDir: string, keyStore: KeyStore): Promise<History> {
    await ensurePrivateDir(dataDir);
    const entries: Entry[] = [];
    const { log } = await EncryptedLog.open(join(dataDir, HISTORY_FILE), await keyStore.loadOrCreateKey(), (plain) => {
      // Every row read back from disk is parsed; one that does not parse is skipped, not trusted.
      const parsed = Entry.safeParse(JSON.parse(plain.toString("utf8")));
      if (parsed.success) entries.push(parsed.data);
    });
    const history = new History(log);
    for (const e of entries) history.remember(e);
    return history;
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
    await this.log.append(new TextEncoder().encode(JSON.stringify(entry)), { sync: false });
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
