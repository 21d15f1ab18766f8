/**
 * Usage spans are their own ingest receipts: a stored span writes no row to ingest_receipts, and its
 * usage_spans row (member + content hash) gives every later upload of its id the answer a receipt
 * gave (ADR 0006, ADR 0008). Rows stored before the hash was kept (migration 0004) have none.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ITEM_MAX_AGE_MS } from "../../worker/contract/agent";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  batch, dump, entry, freshObject, HOUR, idle, MEMBER, MIN, NOW, OTHER_MEMBER, rowsWithId, shuffled, slot, usage, type Stub,
} from "./helpers";

const DAY = 24 * HOUR;
const T0 = NOW - 3 * HOUR;

async function sql(stub: Stub, query: string, ...params: SqlStorageValue[]) {
  return runInDurableObject(stub, (_o: WorkspaceObject, state) => state.storage.sql.exec(query, ...params).toArray());
}

const receiptCount = async (stub: Stub) => Number((await sql(stub, "select count(*) as n from ingest_receipts"))[0]!.n);

/** A realistic batch: an entry, a slot and ten usage spans. */
function tenMinutes() {
  const spans = Array.from({ length: 10 }, (_, i) => usage(T0 + i * MIN, T0 + (i + 1) * MIN, { url: `https://site${i}.example/p`, title: `Page ${i}` }));
  return { e: entry(T0, T0 + 10 * MIN), s: slot(T0), spans };
}

const SAME_CONTENT_CLASH = "This id and rev were already uploaded with different content; raise rev to change it.";

describe("a stored usage span is its own receipt", () => {
  it("leaves no receipt row; its row keeps the content hash", async () => {
    const stub = freshObject();
    const { e, s, spans } = tenMinutes();
    const r = await stub.ingest(batch([e, ...spans, s]));
    expect(r.every((x) => x.status === "stored")).toBe(true);
    const d = await dump(stub);
    expect(d.ingest_receipts!.map((x) => x.item_id)).toEqual([e.id, s.id].sort());
    expect(d.usage_spans).toHaveLength(10);
    for (const row of d.usage_spans!) expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
    // The hash is of the content: ten different spans, ten different hashes.
    expect(new Set(d.usage_spans!.map((x) => x.content_hash)).size).toBe(10);
  });

  it("hashes what is stored: the same span on another clock offset is the same content, under other privacy rules it is not", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN, { title: "Private", url: "https://docs.example/a?q=1" });
    await stub.ingest(batch([u]));
    // The agent's clock drifted: the measured offset differs, the upload is the same.
    expect(await stub.ingest(batch([u], { clockOffsetMs: 2_000, receivedAt: NOW + 2_000 }))).toEqual([{ id: u.id, status: "duplicate" }]);
    // Titles are no longer captured: what would be stored differs from the stored row.
    const rules = { exclusions: { apps: [], domains: [], titleKeywords: [] }, captureTitles: false, trackUrls: true, trackApps: true };
    expect(await stub.ingest(batch([u], { rules }))).toEqual([{ id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: SAME_CONTENT_CLASH }]);
    expect(await receiptCount(stub)).toBe(0);
  });

  it("a replay, whole, partial or shuffled, answers duplicate and stores nothing twice", async () => {
    const stub = freshObject();
    const { e, s, spans } = tenMinutes();
    const items = [e, ...spans, s];
    await stub.ingest(batch(items));
    const state = await dump(stub);

    const whole = await stub.ingest(batch(items, { receivedAt: NOW + MIN }));
    expect(whole).toEqual(items.map((x) => ({ id: x.id, status: "duplicate" })));
    const part = spans.slice(3, 7);
    expect(await stub.ingest(batch(part, { receivedAt: NOW + 2 * MIN }))).toEqual(part.map((x) => ({ id: x.id, status: "duplicate" })));
    for (const seed of [1, 7, 42]) {
      const order = shuffled(items, seed);
      expect(await stub.ingest(batch(order, { receivedAt: NOW + 3 * MIN }))).toEqual(order.map((x) => ({ id: x.id, status: "duplicate" })));
    }
    expect(await dump(stub)).toEqual(state);
    for (const x of items) expect(await rowsWithId(stub, x.id)).toBe(1);
  });

  it("the same span twice in one batch is stored once: the second copy is a duplicate, a different copy an id_conflict", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN);
    const r = await stub.ingest(batch([u, u, { ...u, app: "Terminal" }]));
    expect(r).toEqual([
      { id: u.id, status: "stored" }, { id: u.id, status: "duplicate" },
      { id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: SAME_CONTENT_CLASH },
    ]);
    const d = await dump(stub);
    expect(d.usage_spans!.map((x) => [x.id, x.app])).toEqual([[u.id, "Code"]]);
    expect(d.ingest_receipts).toEqual([]);
  });

  it("a replay after 61 days still answers duplicate (its row outlives any receipt); new spans that old are too old", async () => {
    const stub = freshObject();
    const { spans } = tenMinutes();
    await stub.ingest(batch(spans));
    const state = await dump(stub);
    const at61 = NOW + 61 * DAY;
    expect(spans[0]!.end < new Date(at61 - ITEM_MAX_AGE_MS).toISOString()).toBe(true);
    const late = usage(T0 + 20 * MIN, T0 + 21 * MIN);
    const r = await stub.ingest(batch([...shuffled(spans, 3), late], { receivedAt: at61 }));
    expect(r.slice(0, 10).every((x) => x.status === "duplicate" && x.detail === undefined)).toBe(true);
    expect(r[10]).toMatchObject({ id: late.id, status: "rejected", code: "item_too_old", field: "end" });
    // Long after any receipt would have expired.
    expect((await stub.ingest(batch(spans, { receivedAt: NOW + 400 * DAY })))[0]).toEqual({ id: spans[0]!.id, status: "duplicate" });
    expect(await dump(stub)).toEqual(state);
  });
});

describe("a usage id already stored, with other content or for someone else", () => {
  it("same member, different content: id_conflict as before, and nothing changes", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN, { title: "Inbox" });
    await stub.ingest(batch([u]));
    const state = await dump(stub);
    const r = await stub.ingest(batch([{ ...u, title: "Other" }, { ...u, end: new Date(T0 + 2 * MIN).toISOString() }], { receivedAt: NOW + MIN }));
    expect(r).toEqual([
      { id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: SAME_CONTENT_CLASH },
      { id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: SAME_CONTENT_CLASH },
    ]);
    // Exactly what a receipt answers for the same clash (an idle span still has one).
    const i = idle(T0 + 5 * MIN, T0 + 6 * MIN);
    await stub.ingest(batch([i]));
    const [idleClash] = await stub.ingest(batch([{ ...i, decision: "keep" }]));
    expect(idleClash).toEqual({ ...r[0], id: i.id });
    const after = await dump(stub);
    expect(after.usage_spans).toEqual(state.usage_spans);
    expect(after.ingest_receipts!.map((x) => x.item_id)).toEqual([i.id]);
  });

  it("another member's device: id_conflict without saying whose or what, and nothing is stored or recorded", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN);
    await stub.ingest(batch([u]));
    const state = await dump(stub);
    const r = await stub.ingest(batch([u, { ...u, app: "Other" }], { memberId: OTHER_MEMBER, receivedAt: NOW + MIN }));
    const foreign = { id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: "This id is already in use; generate a new one." };
    expect(r).toEqual([foreign, foreign]);
    expect(await dump(stub)).toEqual(state);
  });

  it("an entry, slot or idle span reusing a span's id is id_conflict, for the member and for anyone else", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN);
    await stub.ingest(batch([u]));
    const state = await dump(stub);
    const reuse = [entry(T0 + HOUR, T0 + 2 * HOUR, { id: u.id }), slot(T0 + HOUR, 600, 300, { id: u.id }), idle(T0 + HOUR, T0 + 2 * HOUR, { id: u.id })];
    for (const item of reuse) {
      expect(await stub.ingest(batch([item]))).toEqual([{ id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: "This id was already used for a usage item." }]);
      expect((await stub.ingest(batch([item], { memberId: OTHER_MEMBER })))[0]).toMatchObject({ status: "rejected", code: "id_conflict", detail: "This id is already in use; generate a new one." });
    }
    expect(await dump(stub)).toEqual(state);
  });
});

describe("usage spans stored before their rows kept a hash", () => {
  /**
   * A span as migration 0004 leaves it: no content hash; while it lives, the receipt the code before
   * wrote for it (its hash is the one the row was stored with).
   */
  async function oldSpan(keepReceipt: boolean) {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN);
    await stub.ingest(batch([u]));
    const hash = String((await sql(stub, "select content_hash from usage_spans"))[0]!.content_hash);
    await sql(stub, "update usage_spans set content_hash = null");
    if (keepReceipt) {
      await sql(
        stub, "insert into ingest_receipts (item_id, member_id, kind, status, code, field, detail, content_hash, rev, at) values (?, ?, 'usage', 'stored', null, null, null, ?, 0, ?)",
        u.id, MEMBER, hash, NOW,
      );
    }
    return { stub, u };
  }

  it("while its receipt lives, the receipt answers: duplicate", async () => {
    const { stub, u } = await oldSpan(true);
    const state = await dump(stub);
    expect(await stub.ingest(batch([u], { receivedAt: NOW + DAY }))).toEqual([{ id: u.id, status: "duplicate" }]);
    expect(await dump(stub)).toEqual(state);
  });

  it("without a receipt, the row matches no content: answered as different content, and nothing changes", async () => {
    const { stub, u } = await oldSpan(false);
    const state = await dump(stub);
    expect(state.usage_spans![0]!.content_hash).toBeNull();
    expect(await stub.ingest(batch([u], { receivedAt: NOW + DAY }))).toEqual([{ id: u.id, status: "rejected", code: "id_conflict", field: "id", detail: SAME_CONTENT_CLASH }]);
    expect((await stub.ingest(batch([u], { memberId: OTHER_MEMBER })))[0]).toMatchObject({ code: "id_conflict", detail: "This id is already in use; generate a new one." });
    expect(await dump(stub)).toEqual(state);
  });
});
