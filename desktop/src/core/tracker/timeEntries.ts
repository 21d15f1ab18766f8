/**
 * The time entries of this device, as the agent's own ledger. Every entry gets an agent UUIDv7 and
 * is uploaded as `time_entry` items: a running entry is emitted with a concrete `end` (the last
 * second counted) as soon as it has one second, then again with rev+1 and a later end periodically
 * and on every change, so a crash leaves a closed entry on the server that lacks at most the
 * seconds since the last emission, never a timer running forever. The queue keeps the latest
 * revision of an id; the server keeps the highest rev (ADR 0006).
 *
 * Changes to entries already sent (idle discard, a rule switch dated back) are new revisions of
 * them, never deletions: the protocol has none, so the tracker never lets an emitted entry become
 * empty (see tracker.ts for how).
 */
import { TimeEntryItem } from "../../../../worker/contract/agent";
import type { TodayEntry } from "../facade";
import { isoAt, overlap } from "./time";

export interface EntryFields {
  projectId: string | null;
  taskId: string | null;
  note: string;
  /** The project follows the workspace rules (started without a project). */
  auto: boolean;
}

export interface Entry extends EntryFields {
  id: string;
  /** Last emitted revision; -1 before the first emission. */
  rev: number;
  start: number;
  /** The last second counted (exclusive); equals start until the first second passes. */
  end: number;
  running: boolean;
  dirty: boolean;
}

/** The item for an entry's content at revision `rev`; throws when the content breaks the contract. */
export function entryItem(e: Pick<Entry, "id" | "start" | "end" | "projectId" | "taskId" | "note">, rev: number): TimeEntryItem {
  const item: TimeEntryItem = {
    kind: "time_entry", id: e.id, rev, start: isoAt(e.start), end: isoAt(e.end),
    projectId: e.projectId, taskId: e.taskId, source: "desktop",
    ...(e.note ? { note: e.note } : {}),
  };
  return TimeEntryItem.parse(item);
}

/** Checks what the employee chose before an entry is started with it (a bad id would be refused later, far from the cause). */
export function checkFields(f: Pick<EntryFields, "projectId" | "taskId" | "note">) {
  entryItem({ id: "00000000-0000-7000-8000-000000000000", start: 1_700_000_000, end: 1_700_000_001, ...f }, 0);
}

export class TimeEntries {
  private readonly entries: Entry[] = [];

  constructor(private readonly newId: () => string) {}

  /** Entries recorded before a restart (their latest revisions from the queue): closed, shown in today(). */
  restore(item: TimeEntryItem) {
    if (item.end === null || this.get(item.id)) return;
    this.entries.push({
      id: item.id, rev: item.rev, start: Date.parse(item.start) / 1000, end: Date.parse(item.end) / 1000, running: false, dirty: false,
      projectId: item.projectId ?? null, taskId: item.taskId ?? null, note: item.note ?? "", auto: false,
    });
    this.entries.sort((a, b) => a.start - b.start);
  }

  running(): Entry | null {
    return this.entries.find((e) => e.running) ?? null;
  }

  get(id: string): Entry | null {
    return this.entries.find((e) => e.id === id) ?? null;
  }

  begin(at: number, fields: EntryFields): Entry {
    const e: Entry = { id: this.newId(), rev: -1, start: at, end: at, running: true, dirty: true, ...fields };
    this.entries.push(e);
    return e;
  }

  /** A closed entry for time decided afterwards (an idle span kept or reassigned). */
  add(start: number, end: number, fields: EntryFields): Entry {
    const e: Entry = { id: this.newId(), rev: -1, start, end, running: false, dirty: true, ...fields };
    this.entries.push(e);
    this.entries.sort((a, b) => a.start - b.start);
    return e;
  }

  /** The running entry now covers up to `to`. */
  extend(to: number) {
    const e = this.running();
    if (e && to > e.end) {
      e.end = to;
      e.dirty = true;
    }
  }

  /**
   * Closes the running entry at `at` (which may be earlier than what was counted: an idle span or a
   * rule switch taking time back). An entry that never got a second and was never sent is dropped.
   */
  finish(at: number): Entry | null {
    const e = this.running();
    if (!e) return null;
    e.running = false;
    e.end = Math.max(e.start, at);
    e.dirty = true;
    if (e.end === e.start && e.rev < 0) {
      this.entries.splice(this.entries.indexOf(e), 1);
      return null;
    }
    return e;
  }

  /** Runs a closed entry again from where it ended (an idle span kept: the same entry goes on). */
  resume(e: Entry) {
    const running = this.running();
    if (running && running !== e) throw new Error("Another entry is running.");
    e.running = true;
    e.dirty = true;
  }

  update(e: Entry, change: Partial<Pick<Entry, "start" | "end" | "projectId" | "taskId">>) {
    Object.assign(e, change);
    e.dirty = true;
  }

  /** Items for every changed entry that has at least one second, each with its next rev. */
  emit(): TimeEntryItem[] {
    const items: TimeEntryItem[] = [];
    for (const e of this.entries) {
      if (!e.dirty || e.end <= e.start) continue;
      e.dirty = false;
      e.rev += 1;
      items.push(entryItem(e, e.rev));
    }
    return items;
  }

  /** Whether the running entry has not been sent yet although it has a second to send. */
  runningUnsent(): boolean {
    const e = this.running();
    return e !== null && e.rev < 0 && e.end > e.start;
  }

  /** Seconds recorded in [from, to). */
  secondsIn(from: number, to: number): number {
    return this.entries.reduce((sum, e) => sum + overlap(e.start, e.end, from, to), 0);
  }

  /** Entries touching [from, to), oldest first; the running one with `end: null`. */
  between(from: number, to: number): TodayEntry[] {
    return this.entries
      .filter((e) => (e.running || e.end > e.start) && e.start < to && (e.running ? e.end >= from : e.end > from))
      .map((e) => ({ id: e.id, start: isoAt(e.start), end: e.running ? null : isoAt(e.end), projectId: e.projectId, taskId: e.taskId, note: e.note }));
  }

  /** Forget closed, sent entries that ended before `from`, except those listed in `keep`. */
  prune(from: number, keep: ReadonlySet<string>) {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (!e.running && !e.dirty && e.end < from && !keep.has(e.id)) this.entries.splice(i, 1);
    }
  }

  clear() {
    this.entries.length = 0;
  }
}
