/**
 * The heartbeats the composed agent (createAgent) sends for the live board, against the
 * fault-injecting server standing in for the Worker: the running entry and the focused app after the
 * agent's own privacy filter, an excluded app sent as null (its name never leaves the machine), a
 * project switch reported at once, idle and stop, and app changes held to one heartbeat per 5 s.
 * Real time (the agent's loop is a 1-second setInterval); the periodic heartbeat is set far out so
 * that every heartbeat seen here was caused by a change.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgent, type Agent } from "../src/core/agent";
import type { Collectors, WindowInfo } from "../src/core/ports";
import { APP_CHANGE_EVERY_MS } from "../src/core/presence";
import { FileKeyStore } from "../src/core/queue/fileKeyStore";
import { Tuning } from "../src/core/tuning";
import { agentApiHandler, FakeServer, settingsDoc, waitFor, type FakeAgentApi } from "./syncFakeServer";

const PROJECT = "0194f1c2-0000-7000-8000-0000000000a1";
const TASK = "0194f1c2-0000-7000-8000-0000000000a2";
const OTHER_PROJECT = "0194f1c2-0000-7000-8000-0000000000b1";
const CODE = "493817";

class ScriptedCollectors implements Collectors {
  focused: WindowInfo | null = { app: "Firefox", title: "Release notes", url: "https://docs.example.com/notes?utm=x#top", pid: 1 };
  idleFor = 0;
  readonly window = { activeWindow: async () => this.focused };
  readonly idle = { idleSeconds: async () => this.idleFor };
  readonly screen = {
    capture: async () => [],
    thumbnail: async () => { throw new Error("no screenshots in these tests"); },
  };
}

let root: string;
let server: FakeServer;
let api: FakeAgentApi;
let collectors: ScriptedCollectors;
let agent: Agent | null = null;

function settings(captureTitles = true) {
  const doc = settingsDoc(1, ["Payroll"]);
  return {
    ...doc,
    settings: { ...doc.settings, screenshotsPerSlot: 0, captureTitles },
    projects: [
      { id: PROJECT, name: "Website", clientName: "Acme", tasks: [{ id: TASK, name: "Design" }] },
      { id: OTHER_PROJECT, name: "Backend", clientName: null, tasks: [] },
    ],
  };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wt-presence-"));
  api = { code: CODE, token: `wtd_${randomBytes(24).toString("hex")}`, revoked: false, settings: settings() };
  server = await new FakeServer(agentApiHandler(api)).start(0);
  collectors = new ScriptedCollectors();
});

afterEach(async () => {
  await agent?.close().catch(() => undefined);
  agent = null;
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

async function signedInAgent(): Promise<Agent> {
  const dataDir = join(root, "data");
  agent = await createAgent({
    dataDir, keyStore: new FileKeyStore(join(dataDir, "key")), collectors, idlePrompt: false,
    device: { name: "test-host", os: "Linux test", agentVersion: "0.0.0-test" },
    // No periodic heartbeat within a test: each one seen was caused by a change.
    tuning: Tuning.parse({ uploadEveryMs: 60_000, entryEveryMs: 60_000, heartbeatEveryMs: 600_000, settingsEveryMs: 600_000 }),
  });
  await agent.signIn({ server: server.url, code: CODE });
  await waitFor(() => agent!.projects().length > 0);
  agent.run();
  // A running agent has read the focused window before anyone presses Start: wait for the first tick.
  await waitFor(() => agent!.status().current !== null || collectors.focused === null);
  await sleep(50);
  return agent;
}

const heartbeats = (): any[] => server.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/agent/heartbeat").map((r) => r.json());
const lastHeartbeat = () => heartbeats().at(-1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("heartbeats for the live board", () => {
  it("carry the running entry and the focused app as recorded (reduced URL), and report a project switch at once", async () => {
    const a = await signedInAgent();
    await a.start({ projectId: PROJECT, taskId: TASK, note: "" });
    await waitFor(() => lastHeartbeat()?.state === "tracking");
    const [entry] = a.today();
    expect(lastHeartbeat()).toEqual({
      at: expect.any(String), state: "tracking",
      entry: { id: entry!.id, start: entry!.start, projectId: PROJECT, taskId: TASK },
      app: { name: "Firefox", title: "Release notes", url: "https://docs.example.com/notes" },
    });

    // A switch while tracking is no state change; the board still hears of it straight away.
    const before = heartbeats().length;
    const switchedAt = Date.now();
    await a.start({ projectId: OTHER_PROJECT, taskId: null, note: "" });
    await waitFor(() => heartbeats().length > before, 900); // before the next tick could have sent it
    const next = a.today().find((e) => e.end === null)!;
    expect(lastHeartbeat()).toMatchObject({ state: "tracking", entry: { id: next.id, projectId: OTHER_PROJECT, taskId: null } });
    expect(Date.parse(lastHeartbeat().at)).toBeGreaterThanOrEqual(switchedAt - 5);
  });

  it("sends an excluded app as null: its name and title never leave the machine", async () => {
    collectors.focused = { app: "KeePassXC", title: "vault.kdbx", url: null, pid: 2 };
    const a = await signedInAgent();
    await a.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => lastHeartbeat()?.state === "tracking");
    expect(lastHeartbeat()).toMatchObject({ state: "tracking", entry: { projectId: PROJECT }, app: null });

    // A title keyword excludes too, on a window that would otherwise be shown.
    collectors.focused = { app: "Firefox", title: "Payroll March", url: "https://hr.example.com/", pid: 3 };
    await sleep(APP_CHANGE_EVERY_MS + 1500);
    const bodies = JSON.stringify(heartbeats());
    expect(bodies).not.toMatch(/KeePassXC|vault|Payroll|hr\.example/);
    expect(heartbeats().every((h) => h.app === null)).toBe(true);
  }, 20_000);

  it("leaves the title out where the workspace does not capture titles", async () => {
    api.settings = { ...settings(false), version: 2 };
    const a = await signedInAgent();
    await a.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => lastHeartbeat()?.state === "tracking");
    expect(lastHeartbeat().app).toEqual({ name: "Firefox", title: null, url: "https://docs.example.com/notes" });
  });

  it("shows idle with the same timer and no app, and stopped with neither", async () => {
    const a = await signedInAgent();
    await a.start({ projectId: PROJECT, taskId: TASK, note: "" });
    await waitFor(() => lastHeartbeat()?.state === "tracking");
    const tracking = lastHeartbeat();
    await sleep(1100); // the idle time must begin after the entry's start
    collectors.idleFor = 400; // over the workspace's 300 s threshold
    await waitFor(() => lastHeartbeat()?.state === "idle", 5000);
    expect(lastHeartbeat()).toMatchObject({ state: "idle", entry: tracking.entry, app: null });

    collectors.idleFor = 0;
    await a.stop();
    await waitFor(() => lastHeartbeat()?.state === "stopped", 5000);
    expect(lastHeartbeat()).toEqual({ at: expect.any(String), state: "stopped", entry: null, app: null });
  }, 15_000);

  it("holds app changes to one heartbeat per 5 s, and sends the app finally focused", async () => {
    const a = await signedInAgent();
    await a.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => lastHeartbeat()?.state === "tracking");
    const first = heartbeats().length; // the sign-in's "stopped" and the start's "tracking"
    const startedAt = Date.parse(lastHeartbeat().at);
    // A new window on every tick for 4 s, then one that stays.
    for (const app of ["Slack", "Terminal", "Figma", "Code"]) {
      collectors.focused = { app, title: `${app} window`, url: null, pid: 4 };
      await sleep(1000);
    }
    expect(heartbeats()).toHaveLength(first); // nothing within 5 s of the start's heartbeat
    collectors.focused = { app: "Excel", title: "Budget", url: null, pid: 5 };
    await waitFor(() => heartbeats().length === first + 1, APP_CHANGE_EVERY_MS);
    const next = lastHeartbeat();
    expect(Date.parse(next.at) - startedAt).toBeGreaterThanOrEqual(APP_CHANGE_EVERY_MS);
    expect(next).toMatchObject({ state: "tracking", app: { name: "Excel", title: "Budget" } });
    await sleep(1500);
    expect(heartbeats()).toHaveLength(first + 1); // the app stayed: nothing more
  }, 20_000);
});
