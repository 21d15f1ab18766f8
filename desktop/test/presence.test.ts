/**
 * What the agent tells the live board and when (presence.ts), with a fake clock: the heartbeat's
 * entry and app, the immediate heartbeat on a state, timer or project change, at most one per 5 s
 * for app changes (the last app still arrives), and the sender's ordering. Plus the HTTP body the
 * client sends (sync/apiClient.ts) against the fault-injecting server.
 */
import { afterEach, describe, expect, it } from "vitest";
import { HeartbeatActivity } from "../../worker/contract/live";
import { APP_CHANGE_EVERY_MS, HeartbeatSender, PresencePlanner, type PresenceSnapshot } from "../src/core/presence";
import type { HeartbeatRecord } from "../src/core/records";
import { ApiClient } from "../src/core/sync/apiClient";
import { FakeServer } from "./syncFakeServer";

const T0 = Date.parse("2026-03-02T09:00:00Z");
const PROJECT_A = "0194f1c2-0000-7000-8000-0000000000a1";
const PROJECT_B = "0194f1c2-0000-7000-8000-0000000000b1";
const TASK = "0194f1c2-0000-7000-8000-0000000000a2";
const EVERY_MS = 30_000;

class FakeClock {
  t = T0;
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

const running = (entryId = "entry-1", projectId: string | null = PROJECT_A, taskId: string | null = TASK) =>
  ({ entryId, since: "2026-03-02T08:59:00Z", projectId, taskId, note: "", auto: false });
const win = (app: string, title: string | null = null, url: string | null = null) => ({ app, title, url });

function tracking(o: Partial<PresenceSnapshot> = {}): PresenceSnapshot {
  return { state: "tracking", running: running(), current: win("Code", "main.ts"), ...o };
}

function planner() {
  const clock = new FakeClock();
  return { clock, p: new PresencePlanner({ clock, everyMs: EVERY_MS }) };
}

describe("PresencePlanner: what a heartbeat says", () => {
  it("carries the running entry and the focused app while tracking, in the protocol's shape", () => {
    const { p } = planner();
    const hb = p.next(tracking({ current: win("Firefox", "Guide", "https://docs.example.com/guide") }));
    expect(hb).toEqual({
      at: "2026-03-02T09:00:00.000Z", state: "tracking",
      entry: { id: "entry-1", start: "2026-03-02T08:59:00Z", projectId: PROJECT_A, taskId: TASK },
      app: { name: "Firefox", title: "Guide", url: "https://docs.example.com/guide" },
    });
    // Exactly what the Worker accepts (strict: no extra keys).
    const { at: _at, state: _state, ...activity } = hb!;
    expect(HeartbeatActivity.strict().safeParse(activity).success).toBe(true);
  });

  it("sends app null when the tracker has nothing recordable (an excluded, untracked or unknown window)", () => {
    const { p } = planner();
    // The tracker's `current` is null for an excluded window (privacy.ts recordable): nothing of it reaches the heartbeat.
    expect(p.next(tracking({ current: null }))).toMatchObject({ state: "tracking", app: null, entry: { id: "entry-1" } });
  });

  it("keeps within the Worker's limits: a URL too long is left out, a long title cut", () => {
    const { p } = planner();
    const hb = p.next(tracking({ current: win("Firefox", "t".repeat(1200), `https://example.com/${"p".repeat(2100)}`) }));
    expect(hb!.app).toEqual({ name: "Firefox", title: "t".repeat(1000), url: null });
    const { at: _at, state: _state, ...activity } = hb!;
    expect(HeartbeatActivity.safeParse(activity).success).toBe(true);
  });

  it("shows idle with the timer that was running (its project and start), and no app", () => {
    const { clock, p } = planner();
    p.next(tracking());
    clock.advance(1000);
    // The tracker takes the idle time out of the entry: it is no longer `running` in its snapshot.
    expect(p.next({ state: "idle", running: null, current: win("Code", "main.ts") })).toEqual({
      at: "2026-03-02T09:00:01.000Z", state: "idle",
      entry: { id: "entry-1", start: "2026-03-02T08:59:00Z", projectId: PROJECT_A, taskId: TASK }, app: null,
    });
  });

  it("says stopped with entry null and app null, whatever window is focused", () => {
    const { clock, p } = planner();
    p.next(tracking());
    clock.advance(1000);
    expect(p.next({ state: "stopped", running: null, current: win("Firefox", "private") })).toEqual({
      at: "2026-03-02T09:00:01.000Z", state: "stopped", entry: null, app: null,
    });
  });

  it("says nothing while signed out, and starts over after signing in again", () => {
    const { clock, p } = planner();
    p.next(tracking());
    expect(p.next({ state: "signed_out", running: null, current: null })).toBeNull();
    clock.advance(1000);
    expect(p.next(tracking())).not.toBeNull(); // same facts as before sign-out, but the server is told again
  });
});

describe("PresencePlanner: when a heartbeat goes out", () => {
  it("sends the first at once, nothing while nothing changes, then the periodic one while the timer runs", () => {
    const { clock, p } = planner();
    expect(p.next(tracking())).not.toBeNull();
    for (let s = 1; s < 30; s++) {
      clock.advance(1000);
      expect(p.next(tracking())).toBeNull();
    }
    clock.advance(1000);
    expect(p.next(tracking())).toMatchObject({ at: "2026-03-02T09:00:30.000Z" });
  });

  it("sends no periodic heartbeat while stopped", () => {
    const { clock, p } = planner();
    const stopped: PresenceSnapshot = { state: "stopped", running: null, current: null };
    expect(p.next(stopped)).not.toBeNull();
    clock.advance(5 * EVERY_MS);
    expect(p.next(stopped)).toBeNull();
  });

  it("sends at once on a state change, a project or task switch, or a new entry, even right after another heartbeat", () => {
    const { clock, p } = planner();
    p.next(tracking());
    clock.advance(100);
    expect(p.next(tracking({ running: running("entry-1", PROJECT_A, null) }))).toMatchObject({ entry: { taskId: null } });
    clock.advance(100);
    expect(p.next(tracking({ running: running("entry-2", PROJECT_B, null) }))).toMatchObject({ entry: { id: "entry-2", projectId: PROJECT_B } });
    clock.advance(100);
    expect(p.next({ state: "idle", running: null, current: null })).toMatchObject({ state: "idle", entry: { id: "entry-2" } });
    clock.advance(100);
    expect(p.next({ state: "stopped", running: null, current: null })).toMatchObject({ state: "stopped" });
  });

  it("sends at most one heartbeat per 5 s for app changes, and the last app once the 5 s have passed", () => {
    const { clock, p } = planner();
    const sent: HeartbeatRecord[] = [];
    const tick = (app: string) => {
      const hb = p.next(tracking({ current: win(app) }));
      if (hb) sent.push(hb);
    };
    tick("Code"); // t = 0: the first heartbeat
    // Switching windows every 200 ms for 12 s.
    const apps = ["Slack", "Firefox", "Terminal", "Figma"];
    for (let i = 1; i <= 60; i++) {
      clock.advance(200);
      tick(apps[i % apps.length]!);
    }
    const times = sent.map((h) => Date.parse(h.at) - T0);
    expect(times).toEqual([0, APP_CHANGE_EVERY_MS, 2 * APP_CHANGE_EVERY_MS]);
    // Each carries the app focused at that moment.
    expect(sent.map((h) => h.app?.name)).toEqual(["Code", apps[25 % 4], apps[50 % 4]]);

    // Then settles on one app (t = 13 s): it is sent when 5 s have passed since the last heartbeat
    // (t = 10 s), not before, and only once.
    while (clock.t < T0 + 3 * APP_CHANGE_EVERY_MS - 1000) {
      clock.advance(1000);
      tick("Excel");
      expect(sent).toHaveLength(3);
    }
    clock.advance(1000);
    tick("Excel");
    expect(sent).toHaveLength(4);
    expect(sent[3]).toMatchObject({ at: new Date(T0 + 3 * APP_CHANGE_EVERY_MS).toISOString(), app: { name: "Excel" } });
    clock.advance(1000);
    tick("Excel");
    expect(sent).toHaveLength(4);
  });

  it("a state change is not held back by the app throttle and carries the current app", () => {
    const { clock, p } = planner();
    p.next(tracking({ current: win("Code") }));
    clock.advance(1000);
    expect(p.next(tracking({ current: win("Slack") }))).toBeNull();
    clock.advance(500);
    expect(p.next(tracking({ running: running("entry-2"), current: win("Slack") }))).toMatchObject({ entry: { id: "entry-2" }, app: { name: "Slack" } });
  });
});

describe("HeartbeatSender", () => {
  const hb = (n: number): HeartbeatRecord => ({ at: new Date(T0 + n).toISOString(), state: "tracking", entry: null, app: null });

  it("sends one at a time in order, and only the newest of those that waited", async () => {
    const posted: string[] = [];
    let release: (() => void) | null = null;
    const sender = new HeartbeatSender((h) => {
      posted.push(h.at);
      return new Promise<void>((r) => (release = r));
    });
    sender.send(hb(1));
    sender.send(hb(2));
    sender.send(hb(3));
    expect(posted).toEqual([hb(1).at]); // the others wait: never two in flight
    release!();
    await new Promise((r) => setTimeout(r, 0));
    expect(posted).toEqual([hb(1).at, hb(3).at]); // hb(2) was superseded while it waited
    release!();
    await sender.settled();
    expect(posted).toHaveLength(2);
  });

  it("drops a failed heartbeat and goes on with the next", async () => {
    const posted: string[] = [];
    const sender = new HeartbeatSender(async (h) => {
      posted.push(h.at);
      if (posted.length === 1) throw new Error("offline");
    });
    sender.send(hb(1));
    await sender.settled();
    sender.send(hb(2));
    await sender.settled();
    expect(posted).toEqual([hb(1).at, hb(2).at]);
  });
});

describe("ApiClient.heartbeat body", () => {
  let server: FakeServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it("sends entry and app when said (null included), and leaves them out when not", async () => {
    server = await new FakeServer(() => ({ status: 200, json: { receivedAt: Date.now(), clockOffsetMs: 0 } })).start(0);
    const api = new ApiClient({ server: server.url, token: "wtd_x" });
    const entry = { id: "entry-1", start: "2026-03-02T08:59:00Z", projectId: PROJECT_A, taskId: null };
    const app = { name: "Firefox", title: null, url: "https://docs.example.com/guide" };
    await api.heartbeat({ at: "2026-03-02T09:00:00.000Z", state: "tracking", entry, app });
    await api.heartbeat({ at: "2026-03-02T09:00:01.000Z", state: "stopped", entry: null, app: null });
    await api.heartbeat({ at: "2026-03-02T09:00:02.000Z", state: "idle" });
    expect(server.requests.map((r) => r.json())).toEqual([
      { at: "2026-03-02T09:00:00.000Z", state: "tracking", entry, app },
      { at: "2026-03-02T09:00:01.000Z", state: "stopped", entry: null, app: null },
      { at: "2026-03-02T09:00:02.000Z", state: "idle" },
    ]);
  });
});
