/**
 * Fixtures for the tracking store tests: a fresh Workspace object per test (its own SQLite), item
 * builders in the wire format of worker/contract/agent.ts, and a dump of every tracking table so that
 * tests can assert "nothing changed" and "identical state" on the real storage.
 */
import { env, runInDurableObject } from "cloudflare:test";
import type { IdleItem, SlotItem, TimeEntryItem, UsageItem } from "../../worker/contract/agent";
import { newId } from "../../worker/db/ids";
import type { IngestInput } from "../../worker/workspace/ingest";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";

export type Stub = DurableObjectStub<WorkspaceObject>;

export function freshObject(): Stub {
  return env.WORKSPACE.get(env.WORKSPACE.idFromName(`tracking-${newId()}`)) as Stub;
}

/** A fixed "now" on the server clock: 2025-03-10 12:00 UTC. */
export const NOW = Date.UTC(2025, 2, 10, 12, 0);
export const iso = (ms: number) => new Date(ms).toISOString();
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const PROJECT_A = "0195a000-0000-7000-8000-00000000000a";
export const PROJECT_B = "0195a000-0000-7000-8000-00000000000b";
export const TASK_A1 = "0195a000-0000-7000-8000-0000000000a1";

export function entry(startMs: number, endMs: number | null, over: Partial<TimeEntryItem> = {}): TimeEntryItem {
  return { kind: "time_entry", id: newId(), rev: 0, start: iso(startMs), end: endMs === null ? null : iso(endMs), projectId: PROJECT_A, source: "desktop", ...over };
}

export function slot(slotStartMs: number, trackedSeconds = 600, activeSeconds = 300, over: Partial<SlotItem> = {}): SlotItem {
  return { kind: "slot", id: newId(), rev: 0, slotStart: iso(slotStartMs), trackedSeconds, activeSeconds, ...over };
}

export function usage(startMs: number, endMs: number, over: Partial<UsageItem> = {}): UsageItem {
  return { kind: "usage", id: newId(), app: "Code", title: "ingest.ts - worktrail", url: null, start: iso(startMs), end: iso(endMs), ...over };
}

export function idle(startMs: number, endMs: number, over: Partial<IdleItem> = {}): IdleItem {
  return { kind: "idle", id: newId(), start: iso(startMs), end: iso(endMs), decision: "discard", ...over };
}

export const MEMBER = "0195a000-0000-7000-8000-0000000000f1";
export const OTHER_MEMBER = "0195a000-0000-7000-8000-0000000000f2";
export const DEVICE = "0195a000-0000-7000-8000-0000000000d1";

export function batch(items: unknown[], over: Partial<IngestInput> = {}): IngestInput {
  return { memberId: MEMBER, deviceId: DEVICE, timeZone: "Europe/Berlin", clockOffsetMs: 0, receivedAt: NOW, items, ...over };
}

const TABLES: Record<string, string> = {
  time_entries: "id",
  activity_slots: "id",
  usage_spans: "id",
  idle_spans: "id",
  ingest_receipts: "item_id",
  day_rollups: "member_id, local_day, project_id, task_id",
  presence: "member_id",
};

/** Every row of every tracking table, in a stable order. */
export async function dump(stub: Stub): Promise<Record<string, Record<string, SqlStorageValue>[]>> {
  return runInDurableObject(stub, (_instance: WorkspaceObject, state) => {
    const out: Record<string, Record<string, SqlStorageValue>[]> = {};
    for (const [table, order] of Object.entries(TABLES)) out[table] = state.storage.sql.exec(`select * from ${table} order by ${order}`).toArray();
    return out;
  });
}

/** How many rows across all record tables carry this id (an item is stored at most once). */
export async function rowsWithId(stub: Stub, id: string): Promise<number> {
  return runInDurableObject(stub, (_instance: WorkspaceObject, state) => {
    let n = 0;
    for (const table of ["time_entries", "activity_slots", "usage_spans", "idle_spans"]) {
      n += Number(state.storage.sql.exec(`select count(*) as n from ${table} where id = ?`, id).one().n);
    }
    return n;
  });
}

/** A deterministic shuffle (mulberry32) so a failing order can be reproduced from its seed. */
export function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
