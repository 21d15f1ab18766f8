/**
 * The receipt horizon (docs/decisions/0008-receipt-horizon.md): receipts live RECEIPT_TTL_MS after
 * they were written and each ingest prunes a few expired ones; items that ended more than
 * ITEM_MAX_AGE_MS ago are refused unless a receipt still answers for them; and a replay whose
 * receipt is gone never stores anything twice. The clock is the batch's receivedAt.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FUTURE_TOLERANCE_MS, ITEM_MAX_AGE_MS } from "../../worker/contract/agent";
import { RECEIPT_PRUNE_MIN, RECEIPT_PRUNE_PAUSE_MS, RECEIPT_TTL_MS } from "../../worker/workspace/ingest";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  batch, dump, entry, freshObject, HOUR, idle, iso, MIN, NOW, OTHER_MEMBER, rowsWithId, slot, usage, type Stub,
} from "./helpers";

const DAY = 24 * HOUR;
const T0 = NOW - 3 * HOUR;

async function sql(stub: Stub, query: string, ...params: SqlStorageValue[]) {
  return runInDurableObject(stub, (_o: WorkspaceObject, state) => state.storage.sql.exec(query, ...params).toArray());
}

const receiptIds = async (stub: Stub) => (await sql(stub, "select item_id from ingest_receipts order by item_id")).map((r) => r.item_id);

/** Every table but the receipts: what "nothing stored twice, nothing changed" is about. */
async function records(stub: Stub) {
  const { ingest_receipts: _receipts, ...rest } = await dump(stub);
  return rest;
}

/**
 * n one-minute idle spans ending before `at` (valid items that each leave one receipt; usage spans
 * leave none, their rows answer for them).
 */
const spans = (n: number, at: number) => Array.from({ length: n }, (_, i) => idle(at - (i + 2) * MIN, at - (i + 1) * MIN));

describe("receipt horizon", () => {
  it("outlives the maximum item age, so an item whose receipt is gone is always too old to be judged again", () => {
    expect(RECEIPT_TTL_MS).toBeGreaterThan(ITEM_MAX_AGE_MS + FUTURE_TOLERANCE_MS);
    expect(ITEM_MAX_AGE_MS).toBe(60 * DAY);
    expect(RECEIPT_TTL_MS).toBe(90 * DAY);
  });

  it("keeps receipts for 90 days; a later ingest prunes the expired ones and leaves the records", async () => {
    const stub = freshObject();
    const first = [entry(T0, T0 + 30 * MIN), slot(T0), usage(T0, T0 + MIN), idle(T0 + 40 * MIN, T0 + 45 * MIN)];
    await stub.ingest(batch(first));
    const stored = await records(stub);

    // The usage span is the one item without a receipt: its row is its receipt.
    expect(await receiptIds(stub)).toEqual([first[0]!.id, first[1]!.id, first[3]!.id].sort());

    const at89 = NOW + 89 * DAY;
    const second = idle(at89 - 2 * MIN, at89 - MIN);
    expect((await stub.ingest(batch([second], { receivedAt: at89 })))[0]!.status).toBe("stored");
    expect(await receiptIds(stub)).toEqual([first[0]!.id, first[1]!.id, first[3]!.id, second.id].sort());

    const at91 = NOW + 91 * DAY;
    const third = idle(at91 - 2 * MIN, at91 - MIN);
    await stub.ingest(batch([third], { receivedAt: at91 }));
    expect(await receiptIds(stub)).toEqual([second.id, third.id].sort());
    // Only receipts go: the records of the first batch (and their rollups) stay.
    const after = await records(stub);
    for (const table of ["time_entries", "activity_slots", "usage_spans", "day_rollups"] as const) expect(after[table]).toEqual(stored[table]);
    expect(after.idle_spans!.map((x) => x.id)).toEqual([first[3]!.id, second.id, third.id].sort());
  });

  it("prunes at most max(200, items in the batch) receipts per ingest, oldest first", async () => {
    const stub = freshObject();
    const older = spans(300, NOW);
    const newer = spans(150, NOW + DAY);
    await stub.ingest(batch(older));
    await stub.ingest(batch(newer, { receivedAt: NOW + DAY }));
    const count = async () => Number((await sql(stub, "select count(*) as n from ingest_receipts"))[0]!.n);
    expect(await count()).toBe(450);

    const later = NOW + 92 * DAY; // all 450 expired
    await stub.ingest(batch(spans(1, later), { receivedAt: later }));
    expect(await count()).toBe(450 - RECEIPT_PRUNE_MIN + 1);
    // The oldest went first: 100 of the first batch and all of the second are left.
    const left = await sql(stub, "select at, count(*) as n from ingest_receipts group by at order by at");
    expect(left.map((r) => [r.at, r.n])).toEqual([[NOW, 100], [NOW + DAY, 150], [later, 1]]);

    // A batch of 240 items prunes 240: pruning keeps pace with any batch size.
    await stub.ingest(batch(spans(240, later - HOUR), { receivedAt: later }));
    const end = await sql(stub, "select at, count(*) as n from ingest_receipts group by at order by at");
    expect(end.map((r) => [r.at, r.n])).toEqual([[NOW + DAY, 10], [later, 241]]);
  });

  it("pauses pruning for a few minutes after a prune that left nothing expired, then takes what expired meanwhile", async () => {
    const stub = freshObject();
    const count = async () => Number((await sql(stub, "select count(*) as n from ingest_receipts"))[0]!.n);
    // Receipts written 3 minutes apart.
    await stub.ingest(batch(spans(2, NOW), { receivedAt: NOW }));
    await stub.ingest(batch(spans(3, NOW + 3 * MIN), { receivedAt: NOW + 3 * MIN }));
    // Just before the first ones expire: a prune that finds nothing.
    const t1 = NOW + RECEIPT_TTL_MS - MIN;
    await stub.ingest(batch(spans(1, t1), { receivedAt: t1 }));
    expect(await count()).toBe(6);
    // The first two have expired, but the pause holds: no statement, nothing deleted.
    const t2 = t1 + 2 * MIN;
    await stub.ingest(batch(spans(1, t2), { receivedAt: t2 }));
    expect(await count()).toBe(7);
    // Past the pause: everything that expired meanwhile goes at once (the first 2 and the next 3).
    const t3 = t1 + RECEIPT_PRUNE_PAUSE_MS + MIN;
    await stub.ingest(batch(spans(1, t3), { receivedAt: t3 }));
    expect(await count()).toBe(3);
  });

  it("finds expired receipts through the index on `at`", async () => {
    const stub = freshObject();
    await stub.ingest(batch([usage(T0, T0 + MIN)]));
    const plan = await sql(stub, "explain query plan select rowid from ingest_receipts where at < ? order by at limit ?", NOW, 200);
    expect(plan.map((r) => String(r.detail)).join("\n")).toContain("ingest_receipts_at_idx");
  });
});

describe("maximum item age", () => {
  it("refuses items that ended more than 60 days ago with item_too_old, storing nothing and keeping no receipt", async () => {
    const stub = freshObject();
    const old = NOW - ITEM_MAX_AGE_MS - MIN;
    const items = [
      entry(old - HOUR, old),
      entry(old, null),
      slot(old - (old % (10 * MIN))),
      usage(old - MIN, old),
      idle(old - MIN, old),
      // Just inside the horizon: accepted.
      entry(NOW - ITEM_MAX_AGE_MS + MIN, NOW - ITEM_MAX_AGE_MS + HOUR),
    ];
    const r = await stub.ingest(batch(items));
    expect(r.map((x) => [x.status, x.code, x.field])).toEqual([
      ["rejected", "item_too_old", "end"], ["rejected", "item_too_old", "start"], ["rejected", "item_too_old", "slotStart"],
      ["rejected", "item_too_old", "end"], ["rejected", "item_too_old", "end"], ["stored", undefined, undefined],
    ]);
    const d = await dump(stub);
    expect(d.time_entries!.map((x) => x.id)).toEqual([items[5]!.id]);
    expect([d.activity_slots, d.usage_spans, d.idle_spans]).toEqual([[], [], []]);
    expect(d.ingest_receipts!.map((x) => x.item_id)).toEqual([items[5]!.id]);
  });

  it("does not hide a replay's original answer while its receipt lives, but refuses a new revision of it", async () => {
    const stub = freshObject();
    const a = entry(T0, T0 + HOUR);
    const overlapping = entry(T0 + 30 * MIN, T0 + 90 * MIN);
    const s = slot(T0);
    const first = await stub.ingest(batch([a, overlapping, s]));
    expect(first.map((x) => x.code ?? x.status)).toEqual(["stored", "time_entry_overlaps", "stored"]);
    const stored = await dump(stub);

    // 89 days later every item is past the maximum age, but its receipt still answers.
    const at89 = NOW + 89 * DAY;
    const replay = await stub.ingest(batch([a, overlapping, s], { receivedAt: at89 }));
    expect(replay).toEqual([{ id: a.id, status: "duplicate" }, first[1], { id: s.id, status: "duplicate" }]);
    // A new revision is judged afresh, and it is too old.
    const moved = await stub.ingest(batch([{ ...a, rev: 1, note: "late edit" }], { receivedAt: at89 }));
    expect(moved[0]).toMatchObject({ status: "rejected", code: "item_too_old", field: "end" });
    expect(await dump(stub)).toEqual(stored);
  });

  it("after pruning, a replay stores nothing twice: entries, slots and usage answer from their rows, idle spans are too old", async () => {
    const stub = freshObject();
    const session = [entry(T0, null), slot(T0), usage(T0, T0 + MIN), idle(T0 + MIN, T0 + 2 * MIN)];
    const closed = { ...session[0]!, rev: 1, end: iso(T0 + HOUR) };
    await stub.ingest(batch(session));
    await stub.ingest(batch([closed], { receivedAt: NOW + HOUR }));

    const at91 = NOW + 91 * DAY;
    const today = idle(at91 - 2 * MIN, at91 - MIN);
    await stub.ingest(batch([today], { receivedAt: at91 })); // prunes the session's receipts
    expect(await receiptIds(stub)).toEqual([today.id]);
    const before = await records(stub);

    const r = await stub.ingest(batch([...session, closed], { receivedAt: at91 + MIN }));
    expect(r.map((x) => x.code ?? x.status)).toEqual(["duplicate", "duplicate", "duplicate", "item_too_old", "duplicate"]);
    expect(await records(stub)).toEqual(before);
    for (const x of session) expect(await rowsWithId(stub, x.id)).toBe(1);
  });
});

describe("records without a receipt", () => {
  /** A session stored, revised, then its receipts lost (however that happened). */
  async function withoutReceipts() {
    const stub = freshObject();
    const e = entry(T0, null);
    const s = slot(T0, 300, 100);
    const u = usage(T0, T0 + MIN);
    const i = idle(T0 + 20 * MIN, T0 + 25 * MIN);
    const e2 = { ...e, rev: 2, end: iso(T0 + 50 * MIN) };
    const s1 = { ...s, rev: 1, trackedSeconds: 600, activeSeconds: 420 };
    await stub.ingest(batch([e, s, u, i]));
    await stub.ingest(batch([e2, s1], { receivedAt: NOW + MIN }));
    await sql(stub, "delete from ingest_receipts");
    return { stub, e, e2, s, s1, u, i };
  }

  it("a replay stores nothing twice and never brings back older content", async () => {
    const { stub, e, e2, s, s1, u, i } = await withoutReceipts();
    const before = await records(stub);
    const r = await stub.ingest(batch([e, e2, s, s1, u, i], { receivedAt: NOW + HOUR }));
    expect(r.slice(0, 4)).toEqual([
      { id: e.id, status: "duplicate", detail: "Stale: revision 2 is newer." }, { id: e2.id, status: "duplicate" },
      { id: s.id, status: "duplicate", detail: "Stale: revision 1 is newer." }, { id: s1.id, status: "duplicate" },
    ]);
    // A usage span's row is its receipt; an idle span's insert leaves the existing row as it is.
    expect(r.slice(4).map((x) => x.status)).toEqual(["duplicate", "stored"]);
    expect(await records(stub)).toEqual(before);
    for (const x of [e, s, u, i]) expect(await rowsWithId(stub, x.id)).toBe(1);
  });

  it("another member's device reusing the id gets id_conflict and changes nothing", async () => {
    const { stub, e2, s1 } = await withoutReceipts();
    const before = await records(stub);
    const r = await stub.ingest(batch([{ ...e2, rev: 3 }, { ...s1, rev: 2 }], { memberId: OTHER_MEMBER, receivedAt: NOW + HOUR }));
    expect(r.map((x) => x.code)).toEqual(["id_conflict", "id_conflict"]);
    expect(await records(stub)).toEqual(before);
  });

  it("a higher revision updates the row in place and recomputes the day it leaves", async () => {
    const { stub, e2, s1 } = await withoutReceipts();
    // Moved to the previous day (Berlin): 2025-03-10 must lose the entry's time.
    const moved = { ...e2, rev: 3, start: iso(T0 - DAY), end: iso(T0 - DAY + 50 * MIN) };
    expect((await stub.ingest(batch([moved], { receivedAt: NOW + HOUR })))[0]!.status).toBe("stored");
    const d = await dump(stub);
    expect(d.time_entries!.map((x) => [x.id, x.rev, x.start_ms])).toEqual([[e2.id, 3, T0 - DAY]]);
    expect(d.day_rollups!.map((x) => [x.local_day, x.tracked_s])).toEqual([["2025-03-09", 50 * 60]]);

    expect((await stub.ingest(batch([{ ...s1, rev: 2, activeSeconds: 500 }], { receivedAt: NOW + HOUR })))[0]!.status).toBe("stored");
    expect((await dump(stub)).activity_slots!.map((x) => [x.id, x.rev, x.active_s])).toEqual([[s1.id, 2, 500]]);
  });
});
