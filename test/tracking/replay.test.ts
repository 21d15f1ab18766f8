/**
 * A recorded agent session (an hour and a half of 10-minute batches: a running entry re-sent with a
 * rising rev, a switch to another project, slots re-sent as they fill up, usage, an idle decision)
 * uploaded in order once, versus every batch replayed twice in shuffled orders and in pieces.
 */
import { describe, expect, it } from "vitest";
import type { IngestItem } from "../../worker/contract/agent";
import { batch, dump, entry, freshObject, HOUR, idle, iso, MIN, NOW, PROJECT_B, shuffled, slot, usage } from "./helpers";

const START = NOW - 4 * HOUR;

/** Batch k is what the agent sends at START + (k+1)*10 min. */
export function recordedSession(): IngestItem[][] {
  const a = entry(START, null);
  const b = entry(START + 47 * MIN, null, { projectId: PROJECT_B });
  const batches: IngestItem[][] = [];
  let slotOfPrevious: ReturnType<typeof slot> | null = null;
  for (let k = 0; k < 9; k++) {
    const now = START + (k + 1) * 10 * MIN;
    const items: IngestItem[] = [];
    if (k < 4) items.push({ ...a, rev: k, end: k === 0 ? null : iso(now) });
    if (k === 4) items.push({ ...a, rev: 4, end: iso(START + 45 * MIN) }, { ...b, rev: 0 });
    if (k > 4) items.push({ ...b, rev: k - 4, end: k === 8 ? iso(START + 85 * MIN) : iso(now) });
    // The slot that just ended is completed (rev + 1); the agent had sent it partly filled before.
    if (slotOfPrevious) items.push({ ...slotOfPrevious, rev: 1, trackedSeconds: 600, activeSeconds: 420 + k });
    const current = slot(now - 10 * MIN, 300, 200 + k);
    items.push(current);
    slotOfPrevious = current;
    for (let j = 0; j < 5; j++) items.push(usage(now - 10 * MIN + j * 2 * MIN, now - 10 * MIN + (j + 1) * 2 * MIN, { url: `https://site${j}.example/p?k=${k}` }));
    if (k === 4) items.push(idle(START + 45 * MIN, START + 47 * MIN, { decision: "discard" }));
    batches.push(items);
  }
  return batches;
}

const rules = { exclusions: { apps: [], domains: [], titleKeywords: [] }, captureTitles: true, trackUrls: true, trackApps: true };
const upload = (items: unknown[]) => batch(items, { timeZone: "America/New_York", rules });

describe("replaying a recorded session", () => {
  it("in order, stores everything once", async () => {
    const stub = freshObject();
    for (const items of recordedSession()) {
      const r = await stub.ingest(upload(items));
      expect(r.every((x) => x.status === "stored")).toBe(true);
    }
    const d = await dump(stub);
    expect(d.time_entries).toHaveLength(2);
    expect(d.activity_slots).toHaveLength(9);
    expect(d.usage_spans).toHaveLength(45);
    expect(d.idle_spans).toHaveLength(1);
    expect(d.day_rollups).toHaveLength(2);
  });

  for (const seed of [1, 2, 3, 42, 2024]) {
    it(`every batch twice, shuffled and split (seed ${seed}), leaves the same database as one in-order upload`, async () => {
      const session = recordedSession();
      const inOrder = freshObject();
      for (const items of session) await inOrder.ingest(upload(items));

      const replayed = freshObject();
      const pieces: IngestItem[][] = [];
      for (const [i, items] of session.entries()) {
        // The second copy of each batch arrives cut in two (a connection dropped mid-upload).
        const cut = 1 + ((seed + i) % (items.length - 1));
        pieces.push(items, items.slice(0, cut), items.slice(cut));
      }
      for (const items of shuffled(pieces, seed)) await replayed.ingest(upload(shuffled(items, seed + items.length)));

      expect(await dump(replayed)).toEqual(await dump(inOrder));
    });
  }
});
