import { describe, expect, it } from "vitest";
import { measureClockOffset } from "../../worker/workspace/ingest";
import {
  batch, DEVICE, dump, entry, freshObject, HOUR, idle, iso, MIN, NOW, OTHER_MEMBER, PROJECT_A, PROJECT_B, rowsWithId, slot, TASK_A1, usage,
} from "./helpers";

const T0 = NOW - 3 * HOUR; // 09:00 UTC

describe("ingest: storing a batch", () => {
  it("stores every kind of item and reads them back for the day, with activity %", async () => {
    const stub = freshObject();
    const e = entry(T0, T0 + 30 * MIN, { note: "Refactoring", billable: true, taskId: TASK_A1 });
    const s = slot(T0, 600, 450);
    const u = usage(T0, T0 + 5 * MIN, { url: "https://example.com/a/b?q=secret#frag" });
    const i = idle(T0 + 20 * MIN, T0 + 25 * MIN, { decision: "reassign", projectId: PROJECT_B });
    const results = await stub.ingest(batch([e, s, u, i]));
    expect(results).toEqual([e, s, u, i].map((x) => ({ id: x.id, status: "stored" })));

    const day = await stub.memberDay(batch([]).memberId, T0 - HOUR, T0 + HOUR);
    expect(day.entries).toMatchObject([{ id: e.id, startMs: T0, endMs: T0 + 30 * MIN, note: "Refactoring", billable: true, taskId: TASK_A1, source: "desktop", rev: 0 }]);
    expect(day.slots).toMatchObject([{ id: s.id, slotStartMs: T0, trackedS: 600, activeS: 450, activityPercent: 75 }]);
    expect(day.usage).toMatchObject([{ id: u.id, app: "Code", url: "https://example.com/a/b", title: "ingest.ts - worktrail" }]);
    expect(day.idle).toMatchObject([{ id: i.id, decision: "reassign", projectId: PROJECT_B }]);
    // Nothing outside the range.
    expect((await stub.memberDay(batch([]).memberId, T0 + 2 * HOUR, T0 + 3 * HOUR)).entries).toEqual([]);
  });

  it("stores valid items even when neighbours are invalid, and says what is wrong with each", async () => {
    const stub = freshObject();
    const good1 = entry(T0, T0 + 10 * MIN);
    const good2 = usage(T0, T0 + MIN);
    const items: unknown[] = [
      { ...entry(T0 + HOUR, T0 + 2 * HOUR), end: "yesterday" },
      good1,
      42,
      { ...slot(T0 + 3 * MIN) },
      { ...usage(T0, T0 + MIN), secret: "x" },
      { kind: "keystrokes", id: "0195a000-0000-7000-8000-000000000999" },
      { ...entry(T0 + HOUR, T0 + HOUR - MIN) },
      { ...slot(T0, 100, 200) },
      { ...entry(T0 + 5 * HOUR, T0 + 6 * HOUR), id: "not-a-uuid" },
      good2,
    ];
    const r = await stub.ingest(batch(items));
    expect(r.map((x) => x.status)).toEqual(["rejected", "stored", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "stored"]);
    expect(r.filter((x) => x.status === "rejected").every((x) => x.code === "invalid_item" && typeof x.detail === "string")).toBe(true);
    expect(r.map((x) => x.field)).toEqual(["end", undefined, undefined, "slotStart", "secret", "kind", "end", "activeSeconds", "id", undefined]);
    expect(r[8]!.id).toBe("not-a-uuid");
    const d = await dump(stub);
    expect(d.time_entries!.map((x) => x.id)).toEqual([good1.id]);
    expect(d.usage_spans!.map((x) => x.id)).toEqual([good2.id]);
    expect(d.activity_slots).toEqual([]);
    // Contract violations depend on the item only: no receipt is kept for them. (The stored usage
    // span's row is its own receipt.)
    expect(d.ingest_receipts!.map((x) => x.item_id)).toEqual([good1.id]);
  });

  it("rejects an item that ends more than 5 minutes after server time", async () => {
    const stub = freshObject();
    const ok = entry(NOW - 10 * MIN, NOW + 4 * MIN);
    const future = entry(NOW + 10 * MIN, NOW + 20 * MIN);
    const running = entry(NOW + 6 * MIN, null);
    const futureSlot = slot(NOW + 10 * MIN);
    const r = await stub.ingest(batch([ok, future, running, futureSlot]));
    expect(r.map((x) => [x.status, x.code, x.field])).toEqual([
      ["stored", undefined, undefined], ["rejected", "in_future", "end"], ["rejected", "in_future", "start"], ["rejected", "in_future", "slotStart"],
    ]);
    expect((await dump(stub)).time_entries!.map((x) => x.id)).toEqual([ok.id]);
  });

  it("applies the measured clock offset to every timestamp (slots stay on 10-minute boundaries)", async () => {
    const stub = freshObject();
    // The agent's clock is 7 minutes ahead: it believes it is 12:07 when the server says 12:00.
    const sentAt = iso(NOW + 7 * MIN);
    const offset = measureClockOffset(sentAt, NOW);
    expect(offset).toBe(-7 * MIN);
    const e = entry(T0, T0 + 30 * MIN);
    const s = slot(T0 + 10 * MIN);
    const u = usage(T0, T0 + MIN);
    // By the agent's clock this ends 10 minutes from now; corrected, it ended 3 minutes ago.
    const recent = entry(NOW + 5 * MIN, NOW + 10 * MIN);
    const r = await stub.ingest(batch([e, s, u, recent], { clockOffsetMs: offset }));
    expect(r.map((x) => x.status)).toEqual(["stored", "stored", "stored", "stored"]);
    const day = await stub.memberDay(batch([]).memberId, T0 - HOUR, NOW + HOUR);
    expect(day.entries.map((x) => [x.startMs, x.endMs])).toEqual([[T0 - 7 * MIN, T0 + 23 * MIN], [NOW - 2 * MIN, NOW + 3 * MIN]]);
    expect(day.usage[0]).toMatchObject({ startMs: T0 - 7 * MIN, endMs: T0 - 6 * MIN });
    expect(day.slots[0]!.slotStartMs).toBe(T0); // 09:10 - 7 min = 09:03, rounded to the nearest boundary

    // A replay measured with a slightly different offset is the same item: duplicate, nothing moves.
    const before = await dump(stub);
    const again = await stub.ingest(batch([e, s, u, recent], { clockOffsetMs: offset + 850 }));
    expect(again.map((x) => x.status)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(await dump(stub)).toEqual(before);
    // Without the correction the same entry would be in the future.
    expect((await freshObject().ingest(batch([recent])))[0]).toMatchObject({ code: "in_future" });
  });
});

describe("ingest: project and task references", () => {
  it("rejects entries and reassignments naming a project or task the member may not use", async () => {
    const stub = freshObject();
    const references = { projectIds: [PROJECT_A], tasks: [{ id: TASK_A1, projectId: PROJECT_A }] };
    const ok = entry(T0, T0 + 10 * MIN, { taskId: TASK_A1 });
    const noProject = entry(T0 + HOUR, T0 + 2 * HOUR, { projectId: null });
    const foreignProject = entry(T0 + 2 * HOUR, T0 + 3 * HOUR, { projectId: PROJECT_B });
    const wrongTask = entry(T0 + 3 * HOUR, T0 + 4 * HOUR, { projectId: PROJECT_A, taskId: "0195a000-0000-7000-8000-0000000000b1" });
    const reassign = idle(T0, T0 + MIN, { decision: "reassign", projectId: PROJECT_B });
    const r = await stub.ingest(batch([ok, noProject, foreignProject, wrongTask, reassign], { references }));
    expect(r.map((x) => [x.status, x.code, x.field])).toEqual([
      ["stored", undefined, undefined], ["stored", undefined, undefined], ["rejected", "unknown_project", "projectId"],
      ["rejected", "unknown_task", "taskId"], ["rejected", "unknown_project", "projectId"],
    ]);
    const d = await dump(stub);
    expect(d.time_entries!.map((x) => x.id).sort()).toEqual([ok.id, noProject.id].sort());
    expect(d.idle_spans).toEqual([]);
  });
});

describe("ingest: idempotency", () => {
  it("replaying a batch, whole or in part, any number of times changes nothing and answers the same", async () => {
    const stub = freshObject();
    const items = [
      entry(T0, T0 + 20 * MIN), slot(T0), slot(T0 + 10 * MIN, 600, 10), usage(T0, T0 + 2 * MIN), usage(T0 + 2 * MIN, T0 + 9 * MIN, { url: "https://a.example/x?y=1" }),
      idle(T0 + 12 * MIN, T0 + 15 * MIN, { decision: "keep" }), { kind: "slot", id: "bad" },
    ];
    const first = await stub.ingest(batch(items));
    expect(first.map((x) => x.status)).toEqual(["stored", "stored", "stored", "stored", "stored", "stored", "rejected"]);
    const state = await dump(stub);
    const answers: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      answers.push(await stub.ingest(batch(items, { receivedAt: NOW + round * MIN })));
      expect(await dump(stub)).toEqual(state);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[1]).toEqual(answers[2]);
    expect((answers[0] as { status: string }[]).map((x) => x.status)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate", "duplicate", "rejected"]);

    // Parts, in another order, and the same item twice in one batch.
    const part = await stub.ingest(batch([items[4], items[0], items[4]]));
    expect(part.map((x) => x.status)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await dump(stub)).toEqual(state);
  });

  it("updates a running entry in place as its rev rises; older revs are stale duplicates", async () => {
    const stub = freshObject();
    const id = entry(0, null).id;
    const rev = (n: number, end: number | null) => entry(T0, end, { id, rev: n });
    expect((await stub.ingest(batch([rev(0, null)])))[0]!.status).toBe("stored");
    expect((await stub.ingest(batch([rev(1, T0 + 10 * MIN)])))[0]!.status).toBe("stored");
    expect((await stub.ingest(batch([rev(3, T0 + 30 * MIN)])))[0]!.status).toBe("stored");
    const state = await dump(stub);
    expect(state.time_entries).toHaveLength(1);
    expect(state.time_entries![0]).toMatchObject({ id, rev: 3, end_ms: T0 + 30 * MIN });
    // rev 2 arrives late: stale, nothing changes.
    const late = await stub.ingest(batch([rev(2, T0 + 20 * MIN), rev(0, null)]));
    expect(late.map((x) => x.status)).toEqual(["duplicate", "duplicate"]);
    expect(await dump(stub)).toEqual(state);
    // Same rev, different content: the id is not silently reused.
    const clash = await stub.ingest(batch([rev(3, T0 + 40 * MIN)]));
    expect(clash[0]).toMatchObject({ status: "rejected", code: "id_conflict", field: "id" });
    expect(await dump(stub)).toEqual(state);
  });

  it("never lets an id change kind or member", async () => {
    const stub = freshObject();
    const e = entry(T0, T0 + 10 * MIN);
    await stub.ingest(batch([e]));
    const state = await dump(stub);
    const asUsage = usage(T0, T0 + MIN, { id: e.id });
    const r1 = await stub.ingest(batch([asUsage]));
    expect(r1[0]).toMatchObject({ status: "rejected", code: "id_conflict" });
    // Another member's device that learned the id can neither overwrite nor confirm it.
    const r2 = await stub.ingest(batch([{ ...e, rev: 5, end: iso(T0 + 50 * MIN) }, e], { memberId: OTHER_MEMBER }));
    expect(r2.map((x) => x.code)).toEqual(["id_conflict", "id_conflict"]);
    expect(await dump(stub)).toEqual(state);
  });
});

describe("ingest: time entries never overlap", () => {
  it("rejects an overlapping entry naming the conflicting one, and answers the same on replay", async () => {
    const stub = freshObject();
    const a = entry(T0, T0 + HOUR);
    await stub.ingest(batch([a]));
    const b = entry(T0 + 30 * MIN, T0 + 90 * MIN);
    const [rb] = await stub.ingest(batch([b]));
    expect(rb).toMatchObject({ status: "rejected", code: "time_entry_overlaps", field: "start" });
    expect(rb!.detail).toContain(a.id);
    expect(await rowsWithId(stub, b.id)).toBe(0);

    // A shrinks; replaying b unchanged still answers the recorded rejection (same answer)...
    await stub.ingest(batch([{ ...a, rev: 1, end: iso(T0 + 20 * MIN) }]));
    const [again] = await stub.ingest(batch([b]));
    expect(again).toEqual(rb);
    // ...and a new revision of b is judged afresh.
    const [b1] = await stub.ingest(batch([{ ...b, rev: 1 }]));
    expect(b1!.status).toBe("stored");
  });

  it("treats a running entry as occupying its start until its end is known", async () => {
    const stub = freshObject();
    const running = entry(T0, null);
    await stub.ingest(batch([running]));
    const sameStart = entry(T0, T0 + MIN);
    const startsInside = entry(T0 - 10 * MIN, T0 + 10 * MIN);
    const after = entry(T0 + HOUR, T0 + 2 * HOUR);
    const r = await stub.ingest(batch([sameStart, startsInside, after]));
    expect(r.map((x) => x.code ?? x.status)).toEqual(["time_entry_overlaps", "time_entry_overlaps", "stored"]);
    // The running entry cannot then grow over the later one.
    const [grow] = await stub.ingest(batch([{ ...running, rev: 1, end: iso(T0 + 90 * MIN) }]));
    expect(grow).toMatchObject({ code: "time_entry_overlaps" });
    expect(grow!.detail).toContain(after.id);
  });

  it("applies a split in one batch whatever the order of its items", async () => {
    const stub = freshObject();
    const a = entry(T0, T0 + HOUR);
    await stub.ingest(batch([a]));
    // The first half becomes a new entry on another project; a keeps the second half (and is listed last).
    const firstHalf = entry(T0, T0 + 30 * MIN, { projectId: PROJECT_B });
    const r = await stub.ingest(batch([firstHalf, { ...a, rev: 1, start: iso(T0 + 30 * MIN) }]));
    expect(r.map((x) => x.status)).toEqual(["stored", "stored"]);
    // Moving the boundary between two adjacent entries (one grows into what the other frees).
    const r2 = await stub.ingest(batch([{ ...firstHalf, rev: 1, end: iso(T0 + 40 * MIN) }, { ...a, rev: 2, start: iso(T0 + 40 * MIN) }]));
    expect(r2.map((x) => x.status)).toEqual(["stored", "stored"]);
    const day = await stub.memberDay(batch([]).memberId, T0, T0 + HOUR);
    expect(day.entries.map((x) => [x.id, x.startMs, x.endMs])).toEqual([[firstHalf.id, T0, T0 + 40 * MIN], [a.id, T0 + 40 * MIN, T0 + HOUR]]);
  });

  it("keeps members apart: one member's entries never conflict with another's", async () => {
    const stub = freshObject();
    const mine = entry(T0, T0 + HOUR);
    const theirs = entry(T0, T0 + HOUR);
    expect((await stub.ingest(batch([mine])))[0]!.status).toBe("stored");
    expect((await stub.ingest(batch([theirs], { memberId: OTHER_MEMBER })))[0]!.status).toBe("stored");
    expect((await stub.memberDay(OTHER_MEMBER, T0, T0 + HOUR)).entries.map((x) => x.id)).toEqual([theirs.id]);
  });
});

describe("ingest: slots", () => {
  it("updates a slot by rev and rejects a second slot id for the same device and slot", async () => {
    const stub = freshObject();
    const s = slot(T0, 300, 100);
    await stub.ingest(batch([s]));
    expect((await stub.ingest(batch([{ ...s, rev: 1, trackedSeconds: 600, activeSeconds: 420 }])))[0]!.status).toBe("stored");
    const other = slot(T0, 600, 600);
    const [r] = await stub.ingest(batch([other]));
    expect(r).toMatchObject({ status: "rejected", code: "slot_conflict", field: "slotStart" });
    expect(r!.detail).toContain(s.id);
    // Another device of the same member may report the same slot (the member switched computers).
    const [r2] = await stub.ingest(batch([other], { deviceId: "0195a000-0000-7000-8000-0000000000d2" }));
    expect(r2!.status).toBe("rejected"); // the recorded answer for this id and rev stays
    const [r3] = await stub.ingest(batch([slot(T0, 120, 60)], { deviceId: "0195a000-0000-7000-8000-0000000000d2" }));
    expect(r3!.status).toBe("stored");
    const day = await stub.memberDay(batch([]).memberId, T0, T0 + 10 * MIN);
    expect(day.slots.map((x) => [x.trackedS, x.activeS, x.activityPercent])).toEqual([[600, 420, 70], [120, 60, 50]]);
  });
});

describe("ingest: privacy rules are enforced on the server", () => {
  const rules = {
    exclusions: { apps: ["1Password"], domains: ["bank.example"], titleKeywords: ["salary"] },
    captureTitles: true, trackUrls: true, trackApps: true,
  };

  it("never stores excluded apps, sites or titles, not even as a receipt; URLs lose query and fragment", async () => {
    const stub = freshObject();
    const items = [
      usage(T0, T0 + MIN, { app: "1password", title: "Vault" }),
      usage(T0, T0 + MIN, { app: "Firefox", url: "https://online.bank.example/login?user=me" }),
      usage(T0, T0 + MIN, { app: "Sheets", title: "Team Salary review" }),
      usage(T0, T0 + MIN, { app: "Firefox", url: "https://user:pw@docs.example:8443/guide/intro?token=abc#part2", title: "Guide" }),
      usage(T0, T0 + MIN, { app: "Firefox", url: "javascript:alert(1)" }),
    ];
    const r = await stub.ingest(batch(items, { rules }));
    expect(r.map((x) => [x.status, x.code, x.field])).toEqual([
      ["rejected", "excluded", "app"], ["rejected", "excluded", "url"], ["rejected", "excluded", "title"], ["stored", undefined, undefined], ["stored", undefined, undefined],
    ]);
    const d = await dump(stub);
    expect(d.usage_spans!.map((x) => [x.id, x.app, x.url, x.title])).toEqual(expect.arrayContaining([
      [items[3]!.id, "Firefox", "https://docs.example:8443/guide/intro", "Guide"], [items[4]!.id, "Firefox", null, "ingest.ts - worktrail"],
    ]));
    expect(d.usage_spans).toHaveLength(2);
    const text = JSON.stringify(d);
    for (const secret of ["1password", "bank.example", "Salary", "token=abc", "pw@", "part2"]) expect(text).not.toContain(secret);
    // Stored usage spans are their own receipts; the excluded ones have none.
    expect(d.ingest_receipts).toEqual([]);
  });

  it("drops titles and URLs when the workspace does not capture them, and refuses usage when apps are off", async () => {
    const stub = freshObject();
    const u = usage(T0, T0 + MIN, { url: "https://docs.example/a", title: "Private chat" });
    const [r] = await stub.ingest(batch([u], { rules: { ...rules, captureTitles: false, trackUrls: false } }));
    expect(r!.status).toBe("stored");
    expect((await dump(stub)).usage_spans![0]).toMatchObject({ app: "Code", title: null, url: null });
    const [off] = await stub.ingest(batch([usage(T0, T0 + MIN)], { rules: { ...rules, trackApps: false } }));
    expect(off).toMatchObject({ status: "rejected", code: "tracking_disabled" });
  });
});

describe("presence", () => {
  it("keeps the latest heartbeat per member", async () => {
    const stub = freshObject();
    const m = batch([]).memberId;
    expect(await stub.presenceOf(m)).toBeNull();
    const hb = (receivedAt: number, state: "tracking" | "idle" | "stopped") =>
      ({ memberId: m, deviceId: DEVICE, receivedAt, state, timeZone: "Europe/Berlin", offlineAfterMs: 180_000 });
    await stub.recordHeartbeat(hb(NOW, "tracking"));
    await stub.recordHeartbeat(hb(NOW - MIN, "idle")); // a retried, older heartbeat
    expect(await stub.presenceOf(m)).toEqual({ state: "tracking", lastHeartbeatAt: NOW });
    await stub.recordHeartbeat(hb(NOW + MIN, "stopped"));
    expect(await stub.presenceOf(m)).toEqual({ state: "stopped", lastHeartbeatAt: NOW + MIN });
  });
});
