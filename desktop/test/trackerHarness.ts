/**
 * A scripted machine for the tracker tests: a fake clock, an input device that remembers when it was
 * last touched, a focused window, and a sink that keeps every record in order. `expectConsistent`
 * checks what every scenario must satisfy, whatever it tests.
 */
import { expect } from "vitest";
import { IngestItem, UUID7_RE, type SlotItem, type TimeEntryItem } from "../../worker/contract/agent";
import type { WindowInfo } from "../src/core/ports";
import type { QueuedRecord } from "../src/core/records";
import { Tracker, type TrackerCommand, type TrackerOptions } from "../src/core/tracker/tracker";
import type { TrackerSettings } from "../src/core/tracker/settings";

// Local days (todaySeconds, today) are computed in the machine's zone; pin it.
process.env.TZ = "UTC";

export const P_A = "0190f5a0-0000-4000-8000-00000000000a";
export const P_B = "0190f5a0-0000-4000-8000-00000000000b";
export const TASK_A = "0190f5a0-0000-4000-8000-0000000000a1";

export const at = (h: number, m: number, s = 0) => Date.UTC(2025, 0, 6, h, m, s);
export const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

export const TERMINAL: WindowInfo = { app: "xterm", title: "~/src", url: null, pid: 10 };
export const browser = (url: string, title = "Page"): WindowInfo => ({ app: "firefox", title, url, pid: 11 });

export function settings(over: Partial<TrackerSettings> = {}): TrackerSettings {
  return {
    trackApps: true, trackUrls: true, captureTitles: true,
    exclusions: { apps: [], domains: [], titleKeywords: [] },
    idleThresholdSeconds: 300, idlePolicy: "ask", rules: [],
    ...over,
  };
}

export class Rig {
  now: number;
  lastInput: number;
  window: WindowInfo | null = TERMINAL;
  readonly records: QueuedRecord[] = [];
  readonly tracker: Tracker;

  constructor(opts: { start?: number; settings?: Partial<TrackerSettings> } & Partial<Pick<TrackerOptions, "idlePrompt" | "entryEveryMs" | "restore" | "ruleDebounceSeconds">> = {}) {
    this.now = opts.start ?? at(9, 7, 30);
    this.lastInput = this.now;
    this.tracker = new Tracker({
      clock: { now: () => this.now },
      sink: { append: async (r) => { this.records.push(r); } },
      settings: settings(opts.settings),
      idlePrompt: opts.idlePrompt,
      entryEveryMs: opts.entryEveryMs,
      restore: opts.restore,
      ruleDebounceSeconds: opts.ruleDebounceSeconds,
    });
  }

  handle(cmd: TrackerCommand) {
    return this.tracker.handle(cmd);
  }

  async signInAndStart(projectId: string | null = P_A, taskId: string | null = null, note = "") {
    await this.handle({ type: "signIn" });
    // The agent ticks in every state; the tracker knows the focused window when the timer starts.
    await this.tracker.tick({ idleSeconds: (this.now - this.lastInput) / 1000, window: this.window });
    await this.handle({ type: "start", projectId, taskId, note });
  }

  /** `n` seconds pass, each ending with a tick; `active(i)` says whether second i had input (mid-second). */
  async seconds(n: number, active: boolean | ((i: number) => boolean) = true) {
    for (let i = 0; i < n; i++) {
      this.now += 1000;
      if (typeof active === "function" ? active(i) : active) this.lastInput = this.now - 500;
      await this.tracker.tick({ idleSeconds: (this.now - this.lastInput) / 1000, window: this.window });
    }
  }

  items(): IngestItem[] {
    return this.records.flatMap((r) => (r.kind === "item" ? [r.item] : []));
  }

  /** The latest revision of each id of a kind, in order of first emission. */
  latest<K extends IngestItem["kind"]>(kind: K): Extract<IngestItem, { kind: K }>[] {
    const byId = new Map<string, Extract<IngestItem, { kind: K }>>();
    for (const item of this.items()) if (item.kind === kind) byId.set(item.id, item as Extract<IngestItem, { kind: K }>);
    return [...byId.values()];
  }

  entries(): TimeEntryItem[] {
    return this.latest("time_entry").sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  slots(): SlotItem[] {
    return this.latest("slot").sort((a, b) => Date.parse(a.slotStart) - Date.parse(b.slotStart));
  }

  slotAt(ms: number): SlotItem | undefined {
    return this.slots().find((s) => s.slotStart === iso(ms));
  }
}

const secs = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;

/** What every recording must satisfy (the contract, ids, revisions, and entries agreeing with slots). */
export function expectConsistent(rig: Rig) {
  const items = rig.items();
  for (const item of items) {
    expect(() => IngestItem.parse(item), JSON.stringify(item)).not.toThrow();
    expect(item.id).toMatch(UUID7_RE);
  }
  // Revisions strictly increase per id; spans that are never revised are emitted once.
  const revs = new Map<string, number>();
  for (const item of items) {
    if (item.kind === "usage" || item.kind === "idle") {
      expect(revs.has(item.id), `${item.kind} ${item.id} emitted twice`).toBe(false);
      revs.set(item.id, 0);
      continue;
    }
    const prev = revs.get(item.id);
    if (prev !== undefined) expect(item.rev, `${item.kind} ${item.id}`).toBeGreaterThan(prev);
    else expect(item.rev).toBe(0);
    revs.set(item.id, item.rev);
  }
  // Entries never overlap, and the seconds they cover are the seconds the slots count.
  const entries = rig.entries();
  for (let i = 1; i < entries.length; i++) expect(Date.parse(entries[i]!.start)).toBeGreaterThanOrEqual(Date.parse(entries[i - 1]!.end!));
  const entrySeconds = entries.reduce((s, e) => s + secs(e.start, e.end!), 0);
  const slotSeconds = rig.slots().reduce((s, x) => s + x.trackedSeconds, 0);
  expect(slotSeconds).toBe(entrySeconds);
  // Usage spans lie inside recorded time.
  for (const u of rig.latest("usage")) {
    const inside = entries.some((e) => Date.parse(e.start) <= Date.parse(u.start) && Date.parse(u.end) <= Date.parse(e.end!))
      || coveredByUnion(entries, Date.parse(u.start), Date.parse(u.end));
    expect(inside, `usage ${u.app} ${u.start}–${u.end} outside the entries`).toBe(true);
  }
}

function coveredByUnion(entries: TimeEntryItem[], from: number, to: number): boolean {
  let t = from;
  for (const e of entries) {
    const s = Date.parse(e.start);
    const end = Date.parse(e.end!);
    if (s <= t && end > t) t = end;
  }
  return t >= to;
}
