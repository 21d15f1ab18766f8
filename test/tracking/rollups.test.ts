import { describe, expect, it } from "vitest";
import { dayBounds, dayStart, daysTouched, localDay } from "../../worker/workspace/localDay";
import { computeDayRollup } from "../../worker/workspace/rollups";
import { batch, entry, freshObject, iso, MIN, PROJECT_A, PROJECT_B, slot } from "./helpers";

describe("local days", () => {
  it("finds day bounds in zones with odd offsets, DST changes and a missing midnight", () => {
    expect(dayBounds("2025-03-10", "Asia/Kolkata")).toEqual({ startMs: Date.UTC(2025, 2, 9, 18, 30), endMs: Date.UTC(2025, 2, 10, 18, 30) });
    expect(dayStart("2025-03-10", "Asia/Kathmandu")).toBe(Date.UTC(2025, 2, 9, 18, 15));
    // New York springs forward on 2025-03-09: that day has 23 hours.
    const ny = dayBounds("2025-03-09", "America/New_York");
    expect(ny).toEqual({ startMs: Date.UTC(2025, 2, 9, 5), endMs: Date.UTC(2025, 2, 10, 4) });
    // Chile skips local midnight when DST starts (00:00 -> 01:00 on 2024-09-08).
    const cl = dayStart("2024-09-08", "America/Santiago");
    expect(cl).toBe(Date.UTC(2024, 8, 8, 4));
    expect(localDay(cl, "America/Santiago")).toBe("2024-09-08");
    expect(localDay(cl - 1, "America/Santiago")).toBe("2024-09-07");
    expect(daysTouched(Date.UTC(2025, 2, 9, 18), Date.UTC(2025, 2, 9, 19), "Asia/Kolkata")).toEqual(["2025-03-09", "2025-03-10"]);
    expect(daysTouched(Date.UTC(2025, 2, 9, 18), Date.UTC(2025, 2, 9, 18, 30), "Asia/Kolkata")).toEqual(["2025-03-09"]);
  });
});

describe("computeDayRollup", () => {
  const d0 = Date.UTC(2025, 2, 10);
  const d1 = d0 + 24 * 60 * MIN;

  it("shares a slot's activity among the entries that cover it", () => {
    const rows = computeDayRollup(
      [
        { projectId: PROJECT_A, taskId: null, startMs: d0 + 60 * MIN, endMs: d0 + 65 * MIN },
        { projectId: PROJECT_B, taskId: null, startMs: d0 + 65 * MIN, endMs: d0 + 70 * MIN },
      ],
      [{ slotStartMs: d0 + 60 * MIN, trackedS: 600, activeS: 480 }, { slotStartMs: d0 + 120 * MIN, trackedS: 600, activeS: 600 }],
      d0, d1,
    );
    // The second slot is covered by no entry: its activity belongs to no project.
    expect(rows).toEqual([
      { projectId: PROJECT_A, taskId: null, trackedS: 300, activeS: 240 },
      { projectId: PROJECT_B, taskId: null, trackedS: 300, activeS: 240 },
    ]);
  });

  it("gives a partly tracked slot's activity to the entry covering its tracked part", () => {
    const rows = computeDayRollup(
      [{ projectId: null, taskId: null, startMs: d0 + 5 * MIN, endMs: d0 + 10 * MIN }],
      [{ slotStartMs: d0, trackedS: 300, activeS: 150 }],
      d0, d1,
    );
    expect(rows).toEqual([{ projectId: null, taskId: null, trackedS: 300, activeS: 150 }]);
  });
});

describe("day rollups maintained by the ingest", () => {
  // A member in India (UTC+05:30): local midnight of 2025-03-10 is 2025-03-09 18:30 UTC.
  const tz = "Asia/Kolkata";
  const t = (h: number, m: number) => Date.UTC(2025, 2, 9, h, m);

  it("splits tracked and active time at the member's local midnight and follows rev updates", async () => {
    const stub = freshObject();
    const a = entry(t(18, 0), t(19, 0)); // 23:30 - 00:30 IST
    const slots = [slot(t(18, 0), 600, 300), slot(t(18, 10), 600, 600), slot(t(18, 20), 600, 0), slot(t(18, 30), 600, 120), slot(t(18, 40), 600, 600), slot(t(18, 50), 600, 60)];
    const b = entry(t(19, 0), t(19, 10), { projectId: PROJECT_B });
    const r = await stub.ingest(batch([a, ...slots, b, slot(t(19, 0), 600, 300)], { timeZone: tz }));
    expect(r.every((x) => x.status === "stored")).toBe(true);
    const m = batch([]).memberId;
    expect(await stub.rollups(m, "2025-03-09", "2025-03-10")).toEqual([
      { localDay: "2025-03-09", projectId: PROJECT_A, taskId: null, trackedS: 1800, activeS: 900 },
      { localDay: "2025-03-10", projectId: PROJECT_A, taskId: null, trackedS: 1800, activeS: 780 },
      { localDay: "2025-03-10", projectId: PROJECT_B, taskId: null, trackedS: 600, activeS: 300 },
    ]);

    // a now ends at 00:15 IST: the 18:40 slot is half covered, so a gets half of its activity.
    await stub.ingest(batch([{ ...a, rev: 1, end: iso(t(18, 45)) }], { timeZone: tz }));
    expect(await stub.rollups(m, "2025-03-10", "2025-03-10")).toEqual([
      { localDay: "2025-03-10", projectId: PROJECT_A, taskId: null, trackedS: 900, activeS: 420 },
      { localDay: "2025-03-10", projectId: PROJECT_B, taskId: null, trackedS: 600, activeS: 300 },
    ]);

    // Moved entirely before midnight: the old day is recomputed too and a's row there disappears.
    await stub.ingest(batch([{ ...a, rev: 2, start: iso(t(17, 0)), end: iso(t(18, 30)) }], { timeZone: tz }));
    expect(await stub.rollups(m, "2025-03-09", "2025-03-10")).toEqual([
      { localDay: "2025-03-09", projectId: PROJECT_A, taskId: null, trackedS: 5400, activeS: 900 },
      { localDay: "2025-03-10", projectId: PROJECT_B, taskId: null, trackedS: 600, activeS: 300 },
    ]);
  });

  it("counts a running entry once it has an end", async () => {
    const stub = freshObject();
    const a = entry(t(10, 0), null);
    await stub.ingest(batch([a, slot(t(10, 0), 600, 600)], { timeZone: tz }));
    const m = batch([]).memberId;
    expect(await stub.rollups(m, "2025-03-09", "2025-03-09")).toEqual([]);
    await stub.ingest(batch([{ ...a, rev: 1, end: iso(t(10, 10)) }], { timeZone: tz }));
    expect(await stub.rollups(m, "2025-03-09", "2025-03-09")).toEqual([{ localDay: "2025-03-09", projectId: PROJECT_A, taskId: null, trackedS: 600, activeS: 600 }]);
  });
});
