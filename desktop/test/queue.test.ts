/**
 * The encrypted offline queue on a real file system: durability across reopen, torn tails, damaged
 * and moved frames, acknowledgement (also of records that get newer revisions), compaction, and
 * that nothing in the file is readable.
 */
import { randomBytes } from "node:crypto";
import { appendFile, chmod, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { v7 } from "uuid";
import { afterEach, describe, expect, it } from "vitest";
import { EncryptedLog, HEADER_BYTES, WrongKeyError, type FrameRef } from "../src/core/queue/encryptedLog";
import { FileKeyStore, KeyFileError } from "../src/core/queue/fileKeyStore";
import { QUEUE_FILE, RecordQueue } from "../src/core/queue/queue";
import { idOf, memoryKeyStore, screenshot, slot, tempDir, timeEntry, usage } from "./queueFixtures";

const opened: RecordQueue[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.close()));
});

/** Tests reopen without closing on purpose (a killed process does not close its files); the handles are closed after each test. */
async function openQueue(dir: string, keyStore = memoryKeyStore(), compactAfterDeadBytes?: number) {
  const q = await RecordQueue.open({ dir, keyStore, compactAfterDeadBytes });
  opened.push(q);
  return { q, keyStore };
}

/** Frame positions, read the way the format defines them (header, then "WQR1" | u32 length | box). */
async function frames(path: string): Promise<FrameRef[]> {
  const buf = await readFile(path);
  const out: FrameRef[] = [];
  let pos = HEADER_BYTES;
  while (pos + 8 <= buf.length) {
    const length = 8 + buf.readUInt32BE(pos + 4);
    out.push({ offset: pos, length });
    pos += length;
  }
  return out;
}

describe("FileKeyStore", () => {
  it("creates a 32-byte key file with mode 0600 and returns the same key afterwards", async () => {
    const dir = await tempDir();
    const path = join(dir, "keys", "queue.key");
    const key = await new FileKeyStore(path).loadOrCreateKey();
    expect(key.length).toBe(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "keys"))).mode & 0o777).toBe(0o700);
    expect(Buffer.from(await new FileKeyStore(path).loadOrCreateKey()).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(key))).toBe(true);
  });

  it("refuses a key file that group or others can read, with a clear error", async () => {
    const dir = await tempDir();
    const path = join(dir, "queue.key");
    await writeFile(path, randomBytes(32), { mode: 0o600 });
    await chmod(path, 0o644);
    const err = await new FileKeyStore(path).loadOrCreateKey().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyFileError);
    expect(String((err as Error).message)).toMatch(/readable or writable by other users \(mode 644\).*chmod 600/);
    await chmod(path, 0o600);
    expect((await new FileKeyStore(path).loadOrCreateKey()).length).toBe(32);
  });

  it("refuses a key file of the wrong length", async () => {
    const dir = await tempDir();
    const path = join(dir, "queue.key");
    await writeFile(path, randomBytes(16), { mode: 0o600 });
    await expect(new FileKeyStore(path).loadOrCreateKey()).rejects.toThrow(/16 bytes instead of 32/);
  });
});

describe("RecordQueue", () => {
  it("keeps every appended record across a reopen, oldest first, exactly as appended", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [timeEntry(v7(), 0), usage("Inbox — Mail"), screenshot(), slot(v7(), 0, 120)];
    for (const r of records) await q.append(r);
    // No close(): a killed process does not close its files either.
    const { q: again } = await openQueue(dir, keyStore);
    const pending = await again.pending(10);
    expect(pending.map((p) => p.record)).toEqual(records);
    expect(pending.map((p) => p.id)).toEqual(records.map(idOf));
    expect(again.stats()).toMatchObject({ records: 4, entries: 4 });
    expect(again.openReport).toMatchObject({ frames: 4, tornBytes: 0, damagedRegions: 0, invalid: 0 });
  });

  it("refuses a record that breaks the ingest contract instead of queueing it", async () => {
    const { q } = await openQueue(await tempDir());
    const bad = { kind: "item", item: { kind: "slot", id: v7(), rev: 0, slotStart: "2026-01-05T09:03:00Z", trackedSeconds: 10, activeSeconds: 1 } } as const;
    await expect(q.append(bad)).rejects.toThrow(/10-minute boundary/);
    expect(q.stats().records).toBe(0);
  });

  it("drops only the torn record when the last append was cut short", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [usage("one"), usage("two"), usage("three")];
    for (const r of records) await q.append(r);
    await q.close();
    const path = join(dir, QUEUE_FILE);
    const size = (await stat(path)).size;
    await truncate(path, size - 5);

    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual(records.slice(0, 2));
    expect(reopened.openReport.tornBytes).toBeGreaterThan(0);
    // The torn bytes were cut away, so the next append lands on a clean boundary and survives.
    const four = usage("four");
    await reopened.append(four);
    await reopened.close();
    const { q: third } = await openQueue(dir, keyStore);
    expect((await third.pending(10)).map((p) => p.record)).toEqual([records[0], records[1], four]);
    expect(third.openReport.tornBytes).toBe(0);
  });

  it("drops garbage appended after the last record, even garbage that looks like a frame", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [usage("one"), usage("two")];
    for (const r of records) await q.append(r);
    await q.close();
    const path = join(dir, QUEUE_FILE);
    const clean = (await stat(path)).size;
    const fake = Buffer.alloc(8 + 100);
    fake.write("WQR1", 0, "latin1");
    fake.writeUInt32BE(100, 4);
    randomBytes(100).copy(fake, 8);
    await appendFile(path, Buffer.concat([randomBytes(37), fake]));

    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual(records);
    expect(reopened.openReport).toMatchObject({ tornBytes: 37 + 108, damagedRegions: 0 });
    // The garbage is cut off the file, not just skipped: appends continue right after the last record.
    expect((await stat(path)).size).toBe(clean);
  });

  it("skips a record with a flipped byte (in its body or its length) and keeps the ones after it", async () => {
    for (const where of ["body", "length"] as const) {
      const dir = await tempDir();
      const { q, keyStore } = await openQueue(dir);
      const records = [usage("first"), usage("second, to be damaged"), usage("third")];
      for (const r of records) await q.append(r);
      await q.close();
      const path = join(dir, QUEUE_FILE);
      const [, middle] = await frames(path);
      const bytes = await readFile(path);
      const at = where === "body" ? middle!.offset + 8 + 30 : middle!.offset + 6;
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(path, bytes);

      const { q: reopened } = await openQueue(dir, keyStore);
      const pending = await reopened.pending(10);
      // Never altered data: the damaged record is gone, its neighbours are intact.
      expect(pending.map((p) => p.record)).toEqual([records[0], records[2]]);
      expect(reopened.openReport).toMatchObject({ damagedRegions: 1, tornBytes: 0 });
    }
  });

  it("detects a frame moved to another position or copied from another queue file", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [usage("one"), usage("two")];
    for (const r of records) await q.append(r);
    await q.close();
    const path = join(dir, QUEUE_FILE);
    const [first] = await frames(path);
    const bytes = await readFile(path);

    // A second queue under the same key: its frames are bound to its own file id.
    const otherDir = await tempDir();
    const { q: other } = await openQueue(otherDir, keyStore);
    await other.append(usage("planted"));
    await other.close();
    const otherPath = join(otherDir, QUEUE_FILE);
    const [planted] = await frames(otherPath);
    const otherBytes = await readFile(otherPath);

    await appendFile(path, Buffer.concat([
      bytes.subarray(first!.offset, first!.offset + first!.length), // record one again, at a new offset
      otherBytes.subarray(planted!.offset, planted!.offset + planted!.length),
    ]));
    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual(records);
    expect(reopened.openReport.tornBytes).toBe(first!.length + planted!.length);
  });

  it("refuses to open a queue under another key and leaves the file as it was", async () => {
    const dir = await tempDir();
    const { q } = await openQueue(dir);
    await q.append(usage("one"));
    await q.close();
    const path = join(dir, QUEUE_FILE);
    const before = await readFile(path);
    await expect(openQueue(dir, memoryKeyStore())).rejects.toBeInstanceOf(WrongKeyError);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it("stores nothing readable: titles, apps and screenshots appear in the file only encrypted", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const title = "Patient record of Jane Example — Quarterly Secret";
    await q.append(usage(title));
    const shot = screenshot(500);
    await q.append(shot);
    await q.close();
    const raw = await readFile(join(dir, QUEUE_FILE));
    expect(raw.includes(Buffer.from(title))).toBe(false);
    expect(raw.includes(Buffer.from("Quarterly"))).toBe(false);
    expect(raw.includes(Buffer.from("XTerm"))).toBe(false);
    expect(raw.includes(Buffer.from("usage"))).toBe(false);
    expect(raw.includes(Buffer.from(shot.full.slice(0, 40)))).toBe(false);
    // The same search finds the title in the decrypted record: the check above can fail.
    const { q: reopened } = await openQueue(dir, keyStore);
    expect(JSON.stringify((await reopened.pending(1))[0]!.record)).toContain(title);
  });

  it("keeps acknowledgements across a restart", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [usage("a"), usage("b"), usage("c"), screenshot()];
    for (const r of records) await q.append(r);
    const pending = await q.pending(10);
    await q.ack([pending[0]!, pending[2]!, pending[3]!]);
    expect(q.stats()).toMatchObject({ records: 1 });
    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual([records[1]]);
  });

  it("offers the latest revision once per id, and an ack never removes a revision appended after the batch was taken", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const entry = v7();
    const other = usage("between");
    await q.append(timeEntry(entry, 0));
    await q.append(other);
    await q.append(timeEntry(entry, 1));
    const batch = await q.pending(10);
    // The entry keeps its first position and carries rev 1.
    expect(batch.map((p) => p.record)).toEqual([timeEntry(entry, 1), other]);

    await q.append(timeEntry(entry, 2)); // the timer kept running during the upload
    await q.ack(batch);
    expect((await q.pending(10)).map((p) => p.record)).toEqual([timeEntry(entry, 2)]);
    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual([timeEntry(entry, 2)]);
  });

  it("filters pending by kind, byte budget and excluded ids", async () => {
    const { q } = await openQueue(await tempDir());
    const a = usage("a");
    const shot = screenshot(50_000);
    const b = usage("b");
    for (const r of [a, shot, b]) await q.append(r);
    expect((await q.pending(10, { kind: "screenshot" })).map((p) => p.id)).toEqual([shot.shotId]);
    expect((await q.pending(10, { kind: "item" })).map((p) => p.record)).toEqual([a, b]);
    expect((await q.pending(10, { exclude: new Set([idOf(a)]) })).map((p) => p.id)).toEqual([shot.shotId, idOf(b)]);
    // The screenshot alone is bigger than the budget: taken only when it comes first.
    expect((await q.pending(10, { maxBytes: 5000 })).map((p) => p.id)).toEqual([idOf(a)]);
    expect((await q.pending(10, { maxBytes: 5000, kind: "screenshot" })).map((p) => p.id)).toEqual([shot.shotId]);
    expect((await q.pending(2)).length).toBe(2);
  });

  it("compacts: disk use shrinks to what is unacknowledged, and seqs keep increasing afterwards", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir, memoryKeyStore(), 16 * 1024);
    const path = join(dir, QUEUE_FILE);
    const records = Array.from({ length: 300 }, (_, i) => usage(`window ${i} ${"x".repeat(200)}`, i));
    for (const r of records) await q.append(r);
    const full = (await stat(path)).size;
    const pending = await q.pending(300);
    const maxSeq = Math.max(...pending.map((p) => p.seq));
    await q.ack(pending.slice(0, 290));
    const after = (await stat(path)).size;
    expect(after).toBe(q.stats().fileBytes);
    expect(after).toBeLessThan(full / 10);
    expect(q.stats()).toMatchObject({ records: 10 });

    const last = usage("after compaction");
    await q.append(last);
    const { q: reopened } = await openQueue(dir, keyStore, 16 * 1024);
    const left = await reopened.pending(100);
    expect(left.map((p) => p.record)).toEqual([...records.slice(290), last]);
    expect(left.at(-1)!.seq).toBeGreaterThan(maxSeq);

    // Everything acknowledged: the file is back to (almost) its header.
    await reopened.ack(left);
    await reopened.compact();
    expect((await stat(path)).size).toBeLessThan(HEADER_BYTES + 200);
    const { q: empty } = await openQueue(dir, keyStore);
    expect(await empty.pending(10)).toEqual([]);
    await empty.append(usage("new"));
    expect((await empty.pending(1))[0]!.seq).toBeGreaterThan(left.at(-1)!.seq);
  });

  it("leaves the journal intact when a compaction was interrupted before its rename", async () => {
    const dir = await tempDir();
    const { q, keyStore } = await openQueue(dir);
    const records = [usage("one"), usage("two")];
    for (const r of records) await q.append(r);
    await q.close();
    // What a compaction killed half-way leaves next to the journal.
    const half = await EncryptedLog.create(join(dir, `${QUEUE_FILE}.compact`), keyStore.key);
    await half.append(Buffer.from("{\"t\":\"base\",\"nextSeq\":1}"));
    await half.close();
    const { q: reopened } = await openQueue(dir, keyStore);
    expect((await reopened.pending(10)).map((p) => p.record)).toEqual(records);
    await expect(stat(join(dir, `${QUEUE_FILE}.compact`))).rejects.toThrow();
  });
});
