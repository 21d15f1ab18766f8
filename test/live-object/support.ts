/**
 * Helpers for the live board tests that talk to the Workspace object directly: a fresh object per
 * test, scopes, heartbeats, and viewer sockets (the object's own upgrade, as the Worker forwards it)
 * with a frame queue so a test can wait for the next frame or prove that none came.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { SLOT_MS, type SlotItem, type TimeEntryItem, type UsageItem } from "../../worker/contract/agent";
import { LiveServerFrame, type LiveMember, type LiveReach, type LiveScope } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import { dayBounds, localDay } from "../../worker/workspace/localDay";
import type { LiveHeartbeat } from "../../worker/workspace/live/heartbeat";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";

export type Stub = DurableObjectStub<WorkspaceObject>;

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export function freshObject(): Stub {
  return env.WORKSPACE.get(env.WORKSPACE.idFromName(`live-${newId()}`)) as Stub;
}

/* ---------------------------------------------------------------------------------------- people */

export const ALICE = "0195b000-0000-7000-8000-0000000000a1";
export const BOB = "0195b000-0000-7000-8000-0000000000b0";
export const CAROL = "0195b000-0000-7000-8000-0000000000c0";
export const MANAGER = "0195b000-0000-7000-8000-0000000000ee";
export const PROJECT_A = "0195b000-0000-7000-8000-00000000000a";
export const PROJECT_B = "0195b000-0000-7000-8000-00000000000b";
export const TASK_A1 = "0195b000-0000-7000-8000-0000000000a1";
export const DEVICE = "0195b000-0000-7000-8000-0000000000d1";
export const DEVICE_2 = "0195b000-0000-7000-8000-0000000000d2";

/**
 * A zone where it is now at least 3 hours after and before local midnight, so that "today" in a
 * test never straddles a day boundary whatever time the suite runs.
 */
export function middayZone(now = Date.now()): string {
  for (const tz of ["UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles"]) {
    const { startMs, endMs } = dayBounds(localDay(now, tz), tz);
    if (now - startMs >= 3 * HOUR && endMs - now >= 3 * HOUR) return tz;
  }
  throw new Error("no zone with a safe midday");
}

/* ---------------------------------------------------------------------------------------- scopes */

export const ALL: LiveReach = { all: true };
export const members = (...ids: string[]): LiveReach => ({ all: false, memberIds: ids, projectIds: [] });
export const projects = (...ids: string[]): LiveReach => ({ all: false, memberIds: [], projectIds: ids });

export function scope(viewerMemberId: string, time: LiveReach, more: Partial<Omit<LiveScope, "viewerMemberId" | "time">> = {}): LiveScope {
  return { viewerMemberId, time, activity: null, apps: null, screenshots: null, ...more };
}

/** An owner: everything of everyone. */
export const ownerScope = (viewer = MANAGER) => scope(viewer, ALL, { activity: ALL, apps: ALL, screenshots: ALL });

/* ------------------------------------------------------------------------------------- heartbeats */

export function heartbeat(over: Partial<LiveHeartbeat> & Pick<LiveHeartbeat, "memberId">): LiveHeartbeat {
  return { deviceId: DEVICE, receivedAt: Date.now(), state: "tracking", timeZone: "UTC", offlineAfterMs: 3 * MIN, ...over };
}

/* ----------------------------------------------------------------------------------- agent items */

export const slotStart = (ms: number) => Math.floor(ms / SLOT_MS) * SLOT_MS;

export function entry(startMs: number, endMs: number | null, over: Partial<TimeEntryItem> = {}): TimeEntryItem {
  return { kind: "time_entry", id: newId(), rev: 0, start: iso(startMs), end: endMs === null ? null : iso(endMs), projectId: PROJECT_A, source: "desktop", ...over };
}

export function slot(startMs: number, trackedSeconds: number, activeSeconds: number): SlotItem {
  return { kind: "slot", id: newId(), rev: 0, slotStart: iso(startMs), trackedSeconds, activeSeconds };
}

export function usage(startMs: number, endMs: number, over: Partial<UsageItem> = {}): UsageItem {
  return { kind: "usage", id: newId(), app: "Code", title: "board.ts - worktrail", url: null, start: iso(startMs), end: iso(endMs), ...over };
}

export async function ingest(stub: Stub, memberId: string, timeZone: string, items: unknown[], receivedAt = Date.now()) {
  const results = await stub.ingest({ memberId, deviceId: DEVICE, timeZone, clockOffsetMs: 0, receivedAt, items });
  expect(results.filter((r) => r.status !== "stored")).toEqual([]);
  return results;
}

/* ---------------------------------------------------------------------------------------- sockets */

export type Frame = LiveServerFrame;

export interface Viewer {
  ws: WebSocket;
  /** The next frame (parsed and checked against the contract), waiting up to `ms`. */
  next(ms?: number): Promise<Frame>;
  /** Frames until one satisfies `pred` (fails after `ms`). */
  until(pred: (f: Frame) => boolean, ms?: number): Promise<Frame>;
  /** Proves that no frame arrives within `ms`. */
  none(ms?: number): Promise<void>;
  /** Resolves with the close code once the object closed the socket. */
  closed: Promise<number>;
  /** Raw text messages that were not frames ("pong"). */
  texts: string[];
  close(): void;
}

const openViewers = new Set<Viewer>();

export function upgradeRequest(headers: Record<string, string>): Request {
  return new Request("https://object.internal/live", { headers });
}

/** What the Worker adds to an upgrade besides the scope: the session that opens it and when the scope was resolved. */
export interface UpgradeOptions {
  sessionId?: string;
  resolvedAt?: number;
}

/** The object's answer to an upgrade as the Worker sends it (a fresh session id and "resolved now" unless given). */
export function openUpgrade(stub: Stub, s: LiveScope | string, o: UpgradeOptions = {}): Promise<Response> {
  return stub.fetch(upgradeRequest({
    Upgrade: "websocket",
    "x-worktrail-live-scope": typeof s === "string" ? s : JSON.stringify(s),
    "x-worktrail-live-session": o.sessionId ?? newId(),
    "x-worktrail-live-resolved-at": String(o.resolvedAt ?? Date.now()),
  }));
}

export async function connect(stub: Stub, s: LiveScope | string, o: UpgradeOptions = {}): Promise<Viewer> {
  const res = await openUpgrade(stub, s, o);
  expect(res.status, res.status === 101 ? "" : await res.clone().text()).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const queue: Frame[] = [];
  const texts: string[] = [];
  let wake: (() => void) | null = null;
  let resolveClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (resolveClosed = r));
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") throw new Error("binary frame from the object");
    if (!e.data.startsWith("{")) texts.push(e.data);
    else queue.push(LiveServerFrame.parse(JSON.parse(e.data)));
    wake?.();
  });
  ws.addEventListener("close", (e) => {
    resolveClosed(e.code);
    wake?.();
  });
  const next = async (ms = 2000): Promise<Frame> => {
    const deadline = Date.now() + ms;
    while (!queue.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no frame arrived");
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, left);
      });
      wake = null;
    }
    return queue.shift()!;
  };
  const viewer: Viewer = {
    ws, next, closed, texts,
    async until(pred, ms = 3000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const f = await next(Math.max(1, deadline - Date.now()));
        if (pred(f)) return f;
      }
    },
    async none(ms = 150) {
      await new Promise((r) => setTimeout(r, ms));
      expect(queue.map((f) => f.type === "delta" ? { upsert: f.upsert.map((m) => m.memberId), remove: f.remove } : f.type)).toEqual([]);
    },
    close() {
      try {
        ws.close(1000, "test done");
      } catch {
        // already closed
      }
      openViewers.delete(viewer);
    },
  };
  openViewers.add(viewer);
  return viewer;
}

/** Closes every socket a test opened (storage is isolated per test; open sockets would outlive it). */
export function closeAll() {
  for (const v of [...openViewers]) v.close();
}

export const snapshotOf = async (v: Viewer) => {
  const f = await v.next();
  if (f.type !== "snapshot") throw new Error(`expected a snapshot, got ${f.type}`);
  return f;
};

export const deltaOf = async (v: Viewer, ms?: number) => {
  const f = await v.next(ms);
  if (f.type !== "delta") throw new Error(`expected a delta, got ${f.type}`);
  return f;
};

export const rowOf = (members: LiveMember[], id: string) => members.find((m) => m.memberId === id);
