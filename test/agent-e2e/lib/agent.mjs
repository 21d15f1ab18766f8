// Drives the headless agent exactly as a user would: `node --import tsx desktop/src/cli.ts run …`
// with DISPLAY pointing at the test's Xvfb. Collects the JSON events it prints one per line, stops
// it with SIGTERM (as systemd would) or kills it with SIGKILL (a crash), and reads its own record
// of what it tracked through `cli.ts status --json`.
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { ROOT } from "../../../scripts/lib/dev-server.mjs";

const exec = promisify(execFile);
/** AGENT_E2E_CLI points the runs at another build of the CLI (e.g. to check the harness itself). */
const CLI = process.env.AGENT_E2E_CLI ?? join(ROOT, "desktop", "src", "cli.ts");
const NODE_ARGS = ["--import", "tsx", CLI];

/**
 * TEST ONLY (never set in production): WORKTRAIL_AGENT_TUNING shortens the agent's periods so a run
 * of about a minute exercises uploads, entry revisions and several screenshots instead of waiting
 * for 10-minute slots (desktop/src/core/tuning.ts). Each run may override parts of it.
 */
export const TEST_TUNING = {
  uploadEveryMs: 2000,
  entryEveryMs: 3000,
  heartbeatEveryMs: 5000,
  firstScreenshotAfterMs: 4000,
  screenshotEveryMs: 15000,
};

/**
 * The CLI contract names signed_in, tracking, stopped, synced, offline, screenshot,
 * screenshot_skipped and error; any other event it prints is kept too (tests may look for more).
 */
const Event = z.looseObject({ event: z.string() });
/** Events that mean something went wrong on the agent's or the server's side. */
export const FAILURE_EVENTS = ["error", "rejected", "screenshot_failed", "signed_out"];

/** The agent's own record (cli.ts status --json): everything recorded since its data dir was created. */
export const AgentRecord = z.object({
  state: z.string(),
  todaySeconds: z.number(),
  pendingUploads: z.number(),
  entries: z.array(z.object({ id: z.string(), start: z.string(), end: z.string().nullable(), projectId: z.string().nullable(), note: z.string().nullable().optional() })),
  slots: z.array(z.object({ id: z.string(), slotStart: z.string(), trackedSeconds: z.number(), activeSeconds: z.number() })),
  usage: z.array(z.object({ id: z.string(), app: z.string(), title: z.string().nullable().optional(), url: z.string().nullable().optional(), start: z.string(), end: z.string() })),
  shots: z.array(z.object({ shotId: z.string(), takenAt: z.string(), app: z.string().nullable().optional() })),
});

/**
 * Starts `cli.ts run`. Every parsed event gets `receivedAt` (test clock, ms) so a test can relate
 * it to what it did on the display. `code` only on the first start (no device token yet).
 */
export function startAgent({ server, dataDir, display, code, tuning = {} }) {
  const args = [...NODE_ARGS, "run", "--server", server, "--data-dir", dataDir, "--display", display, ...(code ? ["--code", code] : [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Its own process group: kill9() takes the agent and any collector it was running at that moment.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DISPLAY: display, WORKTRAIL_AGENT_TUNING: JSON.stringify({ ...TEST_TUNING, ...tuning }) },
  });
  const events = [];
  const waiters = new Set();
  let output = "";
  let partial = "";
  child.stdout.on("data", (d) => {
    output = (output + d).slice(-100_000);
    partial += d;
    const lines = partial.split("\n");
    partial = lines.pop();
    for (const line of lines) {
      let parsed;
      try { parsed = Event.safeParse(JSON.parse(line)); } catch { continue; /* a log line, kept in output */ }
      if (!parsed.success) continue;
      events.push({ ...parsed.data, receivedAt: Date.now() });
      for (const w of waiters) w();
    }
  });
  child.stderr.on("data", (d) => (output = (output + d).slice(-100_000)));
  let exit = null;
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => {
    exit = { code, signal };
    resolve(exit);
    for (const w of waiters) w();
  }));
  const killGroup = (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, signal); } catch { /* gone */ }
  };
  process.once("exit", () => killGroup("SIGKILL"));

  return {
    child,
    events,
    exited,
    /** stdout and stderr, for failure messages. */
    output: () => output,
    /** The first event (from index `from` on) that matches, waiting up to timeoutMs for it. */
    waitFor(match, { timeoutMs = 30_000, from = 0, what = "an event" } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.slice(from).find(match);
          if (hit) return done(() => resolve(hit));
          if (exit) return done(() => reject(new Error(`The agent exited (${JSON.stringify(exit)}) before ${what}.`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`No ${what} within ${timeoutMs / 1000}s. Events so far: ${JSON.stringify(events.map((e) => e.event))}.`))), timeoutMs);
        const done = (fn) => { clearTimeout(timer); waiters.delete(check); fn(); };
        waiters.add(check);
        check();
      });
    },
    /** SIGTERM, as at logout or `systemctl stop`; the agent must stop the timer, flush and exit 0. */
    async stop(timeoutMs = 20_000) {
      if (!exit) child.kill("SIGTERM");
      let timer;
      const timeout = new Promise((r) => { timer = setTimeout(r, timeoutMs, "timeout"); });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === "timeout") {
        killGroup("SIGKILL");
        throw new Error(`The agent did not exit within ${timeoutMs / 1000}s of SIGTERM. Output:\n${tail(output)}`);
      }
      return result;
    },
    /** A crash: no chance to stop the timer or flush anything. */
    async kill9() {
      killGroup("SIGKILL");
      return exited;
    },
  };
}

/** The agent's own record of what it recorded (`cli.ts status --data-dir DIR --json`). */
export async function agentStatus(dataDir) {
  const { stdout } = await exec(process.execPath, [...NODE_ARGS, "status", "--data-dir", dataDir, "--json"], { cwd: ROOT, timeout: 30_000, maxBuffer: 32 * 1024 * 1024 });
  const parsed = AgentRecord.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new Error(`cli.ts status --json printed an unexpected shape: ${parsed.error.message}\n${stdout.slice(0, 2000)}`);
  return parsed.data;
}

const tail = (text, lines = 40) => String(text).trimEnd().split("\n").slice(-lines).join("\n");
