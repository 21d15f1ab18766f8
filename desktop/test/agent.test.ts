/**
 * The agent's composition (createAgent) through its facade, with scripted collectors, a real
 * FileKeyStore and data directory, and the fault-injecting HTTP server standing in for the Worker.
 * The end-to-end run (test/agent-e2e) covers the happy path under Xvfb; this file covers the paths
 * it cannot reach cheaply: credentials at rest, a revoked device, deleting screenshots, system
 * events, the settings cache and the history across restarts.
 *
 * Real time: the agent's loop is a 1-second setInterval, so a fake clock would not drive it. The
 * tuning shortens uploads, entry revisions and the screenshot rhythm instead. After the server comes
 * back, tests call flush(): the uploader's back-off (up to minutes, not injectable through AgentDeps)
 * would otherwise decide when the next attempt happens.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateWorkspaceKeyPair } from "../../worker/crypto/hpke";
import { createAgent, type Agent, type AgentEvent } from "../src/core/agent";
import { CREDENTIALS_FILE } from "../src/core/credentials";
import type { CapturedScreen, Collectors, ScreenCollector, WindowInfo } from "../src/core/ports";
import { FileKeyStore } from "../src/core/queue/fileKeyStore";
import { Tuning } from "../src/core/tuning";
import { agentApiHandler, FakeServer, settingsDoc, waitFor, type FakeAgentApi, type SeenRequest } from "./syncFakeServer";

/** A real 16×16 JPEG (ImageMagick, stripped): the pipeline seals whatever bytes it gets, but keep them honest. */
const JPEG = new Uint8Array(Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABQb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCaAohj/9k=",
  "base64",
));

const PROJECT = "0194f1c2-0000-7000-8000-0000000000a1";
const TASK = "0194f1c2-0000-7000-8000-0000000000a2";
const DEVICE = { name: "test-host", os: "Linux test", agentVersion: "0.0.0-test" };
const CODE = "493817";

/** Collectors a test steers: the focused window, the idle seconds, a screen returning JPEG. */
class ScriptedCollectors implements Collectors {
  focused: WindowInfo | null = { app: "XTerm", title: "make test", url: null, pid: 4242 };
  idleFor = 0;
  captures = 0;
  readonly window = { activeWindow: async () => this.focused };
  readonly idle = { idleSeconds: async () => this.idleFor };
  readonly screen: ScreenCollector = {
    capture: async (): Promise<CapturedScreen[]> => {
      this.captures++;
      return [{ display: 0, width: 16, height: 16, image: JPEG.slice(), contentType: "image/jpeg" }];
    },
    thumbnail: async (s) => ({ ...s, image: s.image.slice() }),
  };
}

let publicKey: string;
let root: string;
let dataDir: string;
let api: FakeAgentApi;
let server: FakeServer;
let collectors: ScriptedCollectors;
let events: AgentEvent[];
const running = new Set<Agent>();

beforeAll(async () => {
  publicKey = (await generateWorkspaceKeyPair()).publicKey;
});

function settings(o: { perSlot?: number; deletion?: "allowed" | "forbidden"; version?: number } = {}) {
  const doc = settingsDoc(o.version ?? 1);
  return {
    ...doc,
    screenshotPublicKey: publicKey,
    settings: { ...doc.settings, screenshotsPerSlot: o.perSlot ?? 0, screenshotDeletion: o.deletion ?? "allowed" },
    projects: [{ id: PROJECT, name: "Website", clientName: "Acme", tasks: [{ id: TASK, name: "Design" }] }],
  };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wt-agent-"));
  dataDir = join(root, "data");
  // A token that cannot occur by chance in any file: if its bytes show up on disk, it leaked.
  api = { code: CODE, token: `wtd_${randomBytes(24).toString("hex")}`, revoked: false, settings: settings() };
  server = await new FakeServer(agentApiHandler(api)).start(0);
  collectors = new ScriptedCollectors();
  events = [];
});

afterEach(async () => {
  for (const a of running) await a.close().catch(() => undefined);
  running.clear();
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** A createAgent as the CLI makes it (key file in the data dir), with the test cadence. */
async function openAgent(tuning: Partial<Tuning> = {}): Promise<Agent> {
  const agent = await createAgent({
    dataDir, keyStore: new FileKeyStore(join(dataDir, "key")), collectors, device: DEVICE, idlePrompt: false,
    tuning: Tuning.parse({ uploadEveryMs: 300, entryEveryMs: 500, heartbeatEveryMs: 1000, settingsEveryMs: 60_000, ...tuning }),
    log: (e) => events.push(e),
  });
  running.add(agent);
  return agent;
}

async function closeAgent(agent: Agent) {
  running.delete(agent);
  await agent.close();
}

async function signedInAgent(tuning: Partial<Tuning> = {}): Promise<Agent> {
  const agent = await openAgent(tuning);
  await agent.signIn({ server: server.url, code: CODE });
  await waitFor(() => agent.projects().length > 0); // the settings arrived
  return agent;
}

const credentialsPath = () => join(dataDir, CREDENTIALS_FILE);
const seen = (method: string, path: string) => server.requests.filter((r) => r.method === method && r.path.startsWith(path));
const shotIdOf = async (r: SeenRequest): Promise<string> => JSON.parse(String((await r.form()).get("meta"))).shotId;
const uploadedShotIds = () => Promise.all(seen("POST", "/api/v1/agent/screenshots").map(shotIdOf));
const uploadedItems = (): any[] => seen("POST", "/api/v1/agent/batches").flatMap((r) => r.json().items);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe("credentials", () => {
  it("keeps the device token encrypted, signs in again after a restart without a code, and forgets it on sign-out", async () => {
    const first = await openAgent();
    expect(first.status().state).toBe("signed_out");
    await first.signIn({ server: server.url, code: CODE });
    expect(first.status().state).toBe("stopped");
    expect(seen("POST", "/api/v1/agent/register").map((r) => r.json())).toEqual([{ code: CODE, device: DEVICE }]);
    await first.start({ projectId: PROJECT, taskId: null, note: "before restart" });
    await closeAgent(first);

    const files = await filesUnder(dataDir);
    expect(files).toContain(credentialsPath());
    for (const f of files) {
      const bytes = await readFile(f);
      expect(bytes.includes(api.token), `${f} holds the device token`).toBe(false);
      expect(bytes.includes(Buffer.from(api.token).toString("base64").slice(0, 24)), `${f} holds the token in base64`).toBe(false);
    }

    const requestsBefore = server.requests.length;
    const second = await openAgent();
    expect(second.signedIn).toBe(true);
    expect(second.status().state).toBe("stopped");
    // It talks to the server with the stored token, and registered nothing new.
    await waitFor(() => server.requests.slice(requestsBefore).some((r) => r.headers.authorization === `Bearer ${api.token}`));
    expect(seen("POST", "/api/v1/agent/register")).toHaveLength(1);

    second.run();
    await second.start({ projectId: PROJECT, taskId: TASK, note: "after restart" });
    await waitFor(() => second.status().running !== null);
    await second.signOut();
    expect(second.status()).toMatchObject({ state: "signed_out", running: null });
    expect(existsSync(credentialsPath())).toBe(false);
    // Tracking is over, not paused: starting needs a sign-in first.
    await expect(second.start({ projectId: null, taskId: null, note: "" })).rejects.toThrow();
    await sleep(1200); // a tick or so: nothing restarts it
    expect(second.status().state).toBe("signed_out");
    await closeAgent(second);

    const third = await openAgent();
    expect(third.signedIn).toBe(false);
    expect(third.status().state).toBe("signed_out");
  });
});

describe("a revoked device", () => {
  it("signs the agent out, removes the credentials and keeps every record queued for the next sign-in", async () => {
    const agent = await signedInAgent();
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "revoked mid-run" });
    await waitFor(() => uploadedItems().some((i) => i.kind === "time_entry"));
    api.revoked = true; // the running entry's next revisions and its end are refused
    const acceptedRev = Math.max(...uploadedItems().filter((i) => i.kind === "time_entry").map((i) => i.rev));
    await waitFor(() => agent.status().state === "signed_out" && !existsSync(credentialsPath()) && agent.projects().length === 0);
    expect(agent.signedIn).toBe(false);
    expect(events.some((e) => e.event === "signed_out")).toBe(true);
    const pending = agent.status().pendingUploads;
    expect(pending).toBeGreaterThan(0);
    // Every answer was 401, so nothing may have been acknowledged, now or later.
    await sleep(800);
    expect(agent.status().pendingUploads).toBe(pending);
    await closeAgent(agent);

    // Still queued after a restart, and sent once a device is signed in again.
    api.revoked = false;
    api.token = `wtd_${randomBytes(24).toString("hex")}`;
    const again = await openAgent();
    expect(again.status()).toMatchObject({ state: "signed_out", pendingUploads: pending });
    await again.signIn({ server: server.url, code: CODE });
    expect(await again.flush(5000)).toEqual({ pending: 0 });
    const accepted = server.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/agent/batches" && r.headers.authorization === `Bearer ${api.token}`);
    const entries = accepted.flatMap((r) => r.json().items).filter((i: any) => i.kind === "time_entry");
    // The revisions refused while revoked arrive now, up to the entry's end at the sign-out.
    const last = entries.at(-1);
    expect(last).toMatchObject({ note: "revoked mid-run", projectId: PROJECT });
    expect(last.rev).toBeGreaterThan(acceptedRev);
    expect(last.end).toEqual(expect.any(String));
  });
});

describe("deleting a screenshot", () => {
  const shotTuning = { firstScreenshotAfterMs: 0, screenshotEveryMs: 1000 };

  it("never uploads a shot deleted while it was still queued", async () => {
    api.settings = settings({ perSlot: 1 });
    const agent = await signedInAgent(shotTuning);
    await server.stop();
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => agent.recent().shots.length === 1);
    const [shot] = agent.recent().shots;
    expect(shot).toMatchObject({ uploaded: false, app: "XTerm" });
    expect(shot!.thumbnail).toEqual(JPEG);
    const pendingWithShot = agent.status().pendingUploads;

    await agent.deleteScreenshot(shot!.shotId);
    expect(agent.recent().shots).toEqual([]);
    expect(agent.status().pendingUploads).toBe(pendingWithShot - 1);
    await waitFor(() => agent.status().pendingUploads > 0, 5000); // the entry's items, to show the server was reached later
    await agent.stop();

    await server.start();
    expect(await agent.flush(5000)).toEqual({ pending: 0 });
    expect(uploadedItems().length).toBeGreaterThan(0); // the server was reached after all
    expect(await uploadedShotIds()).toEqual([]);
    expect(seen("DELETE", "/api/v1/agent/screenshots")).toEqual([]);
    expect(collectors.captures).toBe(1);
  });

  it("asks the server to delete a shot that was already uploaded", async () => {
    api.settings = settings({ perSlot: 1 });
    const agent = await signedInAgent(shotTuning);
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => agent.recent().shots[0]?.uploaded === true);
    const shotId = agent.recent().shots[0]!.shotId;
    expect(await uploadedShotIds()).toEqual([shotId]);

    await agent.deleteScreenshot(shotId);
    const deletes = seen("DELETE", "/api/v1/agent/screenshots");
    expect(deletes.map((r) => r.path)).toEqual([`/api/v1/agent/screenshots/${shotId}`]);
    expect(deletes[0]!.headers.authorization).toBe(`Bearer ${api.token}`);
    expect(agent.recent().shots).toEqual([]);
  });

  it("also deletes on the server a shot whose upload was under way when it was deleted", async () => {
    api.settings = settings({ perSlot: 1 });
    const agent = await signedInAgent(shotTuning);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const answer = server.handler;
    server.handler = async (req) => {
      if (req.method === "POST" && req.path === "/api/v1/agent/screenshots") await held;
      return answer(req);
    };
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => seen("POST", "/api/v1/agent/screenshots").length === 1);
    const shotId = agent.recent().shots[0]!.shotId;

    const deleting = agent.deleteScreenshot(shotId);
    await sleep(200); // the local discard is done; the upload is still waiting for its answer
    release();
    await deleting;
    expect(await uploadedShotIds()).toEqual([shotId]); // it landed after all…
    expect(seen("DELETE", "/api/v1/agent/screenshots").map((r) => r.path)).toEqual([`/api/v1/agent/screenshots/${shotId}`]); // …so it is deleted there
    expect(agent.recent().shots).toEqual([]);
  });

  it("refuses where the workspace forbids it, and sends nothing", async () => {
    api.settings = settings({ perSlot: 1, deletion: "forbidden" });
    const agent = await signedInAgent(shotTuning);
    expect(agent.permissions()).toEqual({ deleteScreenshots: false });
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "" });
    await waitFor(() => agent.recent().shots[0]?.uploaded === true);
    const shotId = agent.recent().shots[0]!.shotId;

    await expect(agent.deleteScreenshot(shotId)).rejects.toThrow(/does not let members delete/);
    expect(seen("DELETE", "/api/v1/agent/screenshots")).toEqual([]);
    expect(agent.recent().shots.map((s) => s.shotId)).toEqual([shotId]);
  });
});

describe("system events", () => {
  it("stops the timer on suspend, and resume does not start it again", async () => {
    const agent = await signedInAgent();
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: TASK, note: "before sleep" });
    await sleep(1500);
    expect(agent.status().state).toBe("tracking");

    await agent.systemEvent("suspend");
    expect(agent.status()).toMatchObject({ state: "stopped", running: null });
    const [entry] = agent.today();
    expect(entry).toMatchObject({ projectId: PROJECT, taskId: TASK, note: "before sleep" });
    expect(entry!.end).not.toBeNull();

    await agent.systemEvent("resume");
    await sleep(1500); // ticks with input (idle 0): still nothing runs
    expect(agent.status()).toMatchObject({ state: "stopped", running: null });
    expect(agent.today()).toEqual([entry]);
    await waitFor(() => seen("POST", "/api/v1/agent/heartbeat").some((r) => r.json().state === "stopped"));
  });
});

describe("settings cache", () => {
  it("answers projects() and permissions() from the settings, also after an offline restart", async () => {
    const blank = await openAgent();
    expect(blank.projects()).toEqual([]);
    expect(blank.permissions()).toEqual({ deleteScreenshots: false });
    await closeAgent(blank);

    const agent = await signedInAgent();
    expect(agent.projects()).toEqual([{ id: PROJECT, name: "Website", clientName: "Acme", tasks: [{ id: TASK, name: "Design" }] }]);
    expect(agent.permissions()).toEqual({ deleteScreenshots: true });
    await closeAgent(agent);

    await server.stop();
    const offline = await openAgent();
    expect(offline.status().state).toBe("stopped");
    expect(offline.projects()).toEqual([{ id: PROJECT, name: "Website", clientName: "Acme", tasks: [{ id: TASK, name: "Design" }] }]);
    expect(offline.permissions()).toEqual({ deleteScreenshots: true });
    await waitFor(() => events.some((e) => e.event === "settings_unavailable"));
    expect(offline.projects()).toHaveLength(1); // the failed refresh left the cache in force
    await closeAgent(offline);

    // Back online with changed settings: the cached ETag is sent, the new document replaces the cache.
    api.settings = { ...settings({ deletion: "forbidden", version: 2 }), projects: [] };
    await server.start();
    const online = await openAgent();
    await waitFor(() => online.permissions().deleteScreenshots === false);
    expect(online.projects()).toEqual([]);
    expect(seen("GET", "/api/v1/agent/settings").at(-1)!.headers["if-none-match"]).toBe('"v1"');
  });
});

describe("queue and history", () => {
  it("counts pending uploads while offline, drains them when the server is back, and keeps today's entries across a restart", async () => {
    const agent = await signedInAgent();
    expect(agent.status().pendingUploads).toBe(0);
    await server.stop();
    agent.run();
    await agent.start({ projectId: PROJECT, taskId: null, note: "offline work" });
    await waitFor(() => agent.status().pendingUploads > 0);
    const early = agent.status().pendingUploads;
    collectors.focused = { app: "Firefox", title: "docs", url: "https://docs.example/page?q=secret", pid: 7 };
    await waitFor(() => agent.status().pendingUploads > early, 5000); // a usage span for the new window
    expect(agent.status().online).toBe(false);
    await agent.stop();
    const today = agent.today();
    expect(today).toHaveLength(1);
    expect(today[0]).toMatchObject({ projectId: PROJECT, note: "offline work" });
    expect(today[0]!.end).not.toBeNull();
    expect(uploadedItems()).toEqual([]);

    await server.start();
    expect(await agent.flush(5000)).toEqual({ pending: 0 });
    expect(agent.status()).toMatchObject({ pendingUploads: 0, online: true });
    const sent = uploadedItems().filter((i) => i.kind === "time_entry" && i.id === today[0]!.id);
    expect(sent.at(-1)).toMatchObject({ start: today[0]!.start, end: today[0]!.end, note: "offline work" });
    await closeAgent(agent);

    await server.stop();
    const restarted = await openAgent();
    expect(restarted.today()).toEqual(today);
    expect(restarted.status()).toMatchObject({ state: "stopped", pendingUploads: 0 });
  });
});
