import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { v7 } from "uuid";
import { History, HISTORY_FILE } from "../src/core/history";
import { FileKeyStore } from "../src/core/queue/fileKeyStore";
import type { IngestItem } from "../src/core/records";

const DAY = 24 * 3600_000;
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "wt-history-"));
  dirs.push(dir);
  return { dir, keys: new FileKeyStore(join(dir, "key")) };
}

const iso = (ms: number) => new Date(ms).toISOString();
const entry = (id: string, rev: number, startMs: number, endMs: number): IngestItem =>
  ({ kind: "time_entry", id, rev, start: iso(startMs), end: iso(endMs), source: "desktop" }) as IngestItem;
const usage = (startMs: number, title: string): IngestItem =>
  ({ kind: "usage", id: v7(), app: "XTerm", title, url: null, start: iso(startMs), end: iso(startMs + 20_000) }) as IngestItem;

describe("the agent's own record (history)", () => {
  it("keeps the latest revision of every item and screenshot metadata across a restart, encrypted", async () => {
    const { dir, keys } = setup();
    const now = Date.now();
    const id = v7();
    const h = await History.open(dir, keys, now);
    await h.append({ kind: "item", item: entry(id, 1, now - 60_000, now - 30_000) });
    await h.append({ kind: "item", item: entry(id, 2, now - 60_000, now) });
    await h.append({ kind: "item", item: usage(now - 50_000, "Quarterly payroll draft") });
    await h.append({
      kind: "screenshot", shotId: v7(), takenAt: iso(now), slotStart: iso(now - (now % 600_000)), display: 0, activity: 50, app: "XTerm",
      contentType: "image/jpeg", full: "AAAA", thumb: "AAAA",
    });
    await h.close();

    expect(readFileSync(join(dir, HISTORY_FILE)).includes("Quarterly payroll")).toBe(false);
    const again = await History.open(dir, keys, now);
    const view = again.view();
    expect(view.items.filter((i) => i.kind === "time_entry")).toEqual([entry(id, 2, now - 60_000, now)]);
    expect(view.items.filter((i) => i.kind === "usage").map((u) => (u.kind === "usage" ? u.title : null))).toEqual(["Quarterly payroll draft"]);
    expect(view.shots).toHaveLength(1);
    // Images never go into the history, only their metadata.
    expect(Object.keys(view.shots[0]!)).not.toContain("full");
    await again.close();
  });

  it("compacts old revisions and drops records past the server's 60-day horizon on open", async () => {
    const { dir, keys } = setup();
    const now = Date.now();
    const id = v7();
    const h = await History.open(dir, keys, now);
    const old = usage(now - 70 * DAY, "an old window");
    await h.append({ kind: "item", item: old });
    for (let rev = 1; rev <= 2_500; rev++) await h.append({ kind: "item", item: entry(id, rev, now - 3 * 3600_000, now - 3 * 3600_000 + rev * 1000) });
    await h.close();
    const before = statSync(join(dir, HISTORY_FILE)).size;

    const reopened = await History.open(dir, keys, now);
    const after = statSync(join(dir, HISTORY_FILE)).size;
    expect(after).toBeLessThan(before / 100);
    expect(reopened.view().items).toEqual([entry(id, 2_500, now - 3 * 3600_000, now - 3 * 3600_000 + 2_500_000)]);
    // The compacted file is a valid history: appends go on, and it opens again.
    await reopened.append({ kind: "item", item: usage(now - 1000, "after compaction") });
    await reopened.close();
    const third = await History.open(dir, keys, now);
    expect(third.view().items).toHaveLength(2);
    await third.close();
  });
});
