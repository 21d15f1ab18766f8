/**
 * Property tests (fast-check) on the Workspace object's ingest: random and malformed batches never
 * make it throw (the API would answer 5xx), nothing of a rejected item is stored, every valid item is
 * stored exactly once, and a replay of the same batch changes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IngestItem } from "../../worker/contract/agent";
import { newId } from "../../worker/db/ids";
import { batch, dump, freshObject, HOUR, iso, MIN, NOW, rowsWithId } from "./helpers";

/** Fresh UUIDv7s: generated ids must not collide (fast-check's own uuids repeat on purpose). */
const UUID7 = fc.constant(null).map(() => newId());

const BASE = NOW - 30 * 24 * HOUR;

/**
 * A valid item in its own time segment `seg` (one hour each), so valid items never overlap or share
 * a slot: whatever the generator picks, each of them must be stored.
 */
const validItem = (seg: number): fc.Arbitrary<IngestItem> => {
  const t0 = BASE + seg * HOUR;
  const within = fc.integer({ min: 1, max: 50 }).map((m) => t0 + m * MIN);
  return fc.oneof(
    fc.record({
      kind: fc.constant("time_entry" as const), id: UUID7, rev: fc.nat({ max: 5 }), start: fc.constant(iso(t0)),
      end: fc.option(within.map(iso), { nil: null }), note: fc.string({ maxLength: 40 }), billable: fc.boolean(),
      source: fc.constantFrom("desktop" as const, "web" as const, "api" as const),
    }),
    fc.integer({ min: 0, max: 600 }).chain((tracked) => fc.record({
      kind: fc.constant("slot" as const), id: UUID7, rev: fc.nat({ max: 5 }), slotStart: fc.constant(iso(t0)),
      trackedSeconds: fc.constant(tracked), activeSeconds: fc.integer({ min: 0, max: tracked }),
    })),
    fc.record({
      kind: fc.constant("usage" as const), id: UUID7, app: fc.string({ minLength: 1, maxLength: 30 }),
      title: fc.option(fc.string({ maxLength: 60 }), { nil: null }), url: fc.option(fc.webUrl({ withQueryParameters: true, withFragments: true }), { nil: null }),
      start: fc.constant(iso(t0)), end: within.map(iso),
    }),
    fc.record({
      kind: fc.constant("idle" as const), id: UUID7, start: fc.constant(iso(t0)), end: within.map(iso),
      decision: fc.constantFrom("keep" as const, "discard" as const),
    }),
  );
};

/** Something that is probably not a valid item: a valid one with a field broken or added, or anything at all. */
const malformedItem = (seg: number): fc.Arbitrary<unknown> => fc.oneof(
  fc.anything(),
  fc.tuple(validItem(seg), fc.constantFrom("kind", "id", "rev", "start", "end", "slotStart", "trackedSeconds", "app", "url", "decision", "extra"), fc.anything())
    .map(([item, key, value]) => ({ ...item, [key]: value })),
  validItem(seg).map((item) => ({ ...item, id: undefined })),
  validItem(seg).map((item) => ("start" in item ? { ...item, start: "2025-02-30T25:00:00Z" } : { ...item, slotStart: iso(NOW - 3 * MIN) })),
);

/** A batch: valid items in segments 0..n, malformed ones in segments 100.. (far from the valid ones). */
const mixedBatch = fc.tuple(
  fc.array(fc.nat(), { minLength: 0, maxLength: 25 }).chain((xs) => fc.tuple(...xs.map((_, i) => validItem(i)))),
  fc.array(fc.nat(), { minLength: 0, maxLength: 15 }).chain((xs) => fc.tuple(...xs.map((_, i) => malformedItem(100 + i)))),
  fc.array(fc.nat()),
).map(([valid, malformed, order]) => {
  const tagged = [...valid.map((item) => ({ item: item as unknown, valid: true })), ...malformed.map((item) => ({ item, valid: false }))];
  // Interleave deterministically from the generated order numbers.
  return tagged.map((t, i) => ({ ...t, key: order[i] ?? i })).sort((a, b) => a.key - b.key);
});

/** What the API hands the object: JSON values (fast-check's records have null prototypes, which RPC cannot clone). */
const wire = <T,>(x: T): T => JSON.parse(JSON.stringify(x));

const idOf = (item: unknown): string | null =>
  item && typeof item === "object" && "id" in item && typeof item.id === "string" ? item.id : null;

describe("ingest properties", () => {
  it("random and malformed batches: no throw, valid items stored exactly once, rejected items leave no trace, replays change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(mixedBatch, async (tagged) => {
        const stub = freshObject();
        const items: unknown[] = wire(tagged.map((t) => t.item));
        const results = await stub.ingest(batch(items));
        expect(results).toHaveLength(items.length);

        for (const [i, t] of tagged.entries()) {
          const r = results[i]!;
          const id = idOf(items[i]);
          if (t.valid) {
            expect(r).toEqual({ id, status: "stored" });
            expect(await rowsWithId(stub, id!)).toBe(1);
          } else if (r.status === "rejected") {
            expect(r.code).toBeTruthy();
            if (id) expect(await rowsWithId(stub, id)).toBe(0);
          } else {
            // A "malformed" item that happens to be valid is stored like any other, once.
            expect(r.status).toBe("stored");
            expect(await rowsWithId(stub, id!)).toBe(1);
          }
        }

        const state = await dump(stub);
        const again = await stub.ingest(batch(items));
        expect(again.map((r) => (r.status === "stored" ? "duplicate" : r.status))).toEqual(results.map((r) => (r.status === "stored" ? "duplicate" : r.status)));
        expect(again.filter((r) => r.status === "stored")).toEqual([]);
        expect(await dump(stub)).toEqual(state);
      }),
      { numRuns: 40 },
    );
  });

  it("any permutation of a set of batches, uploaded twice, converges to the same state", async () => {
    const batches = fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 })
      .chain((shape) => {
        let seg = 0;
        return fc.tuple(...shape.map((b) => fc.tuple(...b.map(() => validItem(seg++)))));
      });
    await fc.assert(
      fc.asyncProperty(batches.map(wire), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), async (bs, order) => {
        const reference = freshObject();
        for (const b of bs) await reference.ingest(batch(b));
        const replayed = freshObject();
        const copies = [...bs, ...bs].map((b, i) => ({ b, k: order[i % order.length]! + i / 100 })).sort((x, y) => x.k - y.k);
        for (const { b } of copies) await replayed.ingest(batch(b));
        expect(await dump(replayed)).toEqual(await dump(reference));
      }),
      { numRuns: 25 },
    );
  });
});
