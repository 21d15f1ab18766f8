/**
 * The headless Linux agent: the desktop core with X11 collectors, a 0600 key file and the
 * workspace's idle policy (nobody to ask). `npm run agent -- run --server URL --code CODE`.
 *
 *   run    --server URL [--code CODE] [--data-dir DIR] [--display :N] [--project ID] [--no-start]
 *          Signs in with the one-time code when DIR holds no device yet, starts tracking, and runs
 *          until SIGTERM/SIGINT: then the timer stops at the last active second, uploads get up to
 *          10 s, and the process exits 0. One JSON object per line on stdout says what happens.
 *   status [--data-dir DIR] --json
 *          The agent's own record of what it recorded (entries, slots, usage, screenshots), from
 *          its encrypted history: what the end-to-end fault run compares with the server.
 *
 * DIR defaults to $XDG_DATA_HOME/worktrail-agent (~/.local/share/worktrail-agent).
 */
import { homedir, hostname, release } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createAgent, type AgentEvent } from "./core/agent";
import { createX11Collectors } from "./core/collectors/x11";
import { History } from "./core/history";
import { RecordQueue } from "./core/queue/queue";
import { FileKeyStore } from "./core/queue/fileKeyStore";
import { tuningFromEnv } from "./core/tuning";
import { loadCredentials } from "./core/credentials";

const AGENT_VERSION = "0.1.0";
const FLUSH_ON_EXIT_MS = 10_000;

const defaultDataDir = () => join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "worktrail-agent");
const keyStoreFor = (dataDir: string) => new FileKeyStore(join(dataDir, "key"));
const print = (e: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(e)}\n`);

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write([
    "Usage:",
    "  worktrail-agent run --server URL [--code CODE] [--data-dir DIR] [--display :N] [--project ID] [--no-start]",
    "  worktrail-agent status [--data-dir DIR] --json",
  ].join("\n") + "\n");
  process.exit(2);
}

async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: {
      server: { type: "string" }, code: { type: "string" }, "data-dir": { type: "string" }, display: { type: "string" },
      project: { type: "string" }, "no-start": { type: "boolean" },
    },
  });
  const dataDir = values["data-dir"] ?? defaultDataDir();
  const keyStore = keyStoreFor(dataDir);
  const display = values.display ?? process.env.DISPLAY;
  if (!display) usage("No X display: pass --display :N or set DISPLAY.");

  const agent = await createAgent({
    dataDir, keyStore, idlePrompt: false,
    collectors: createX11Collectors({ display }),
    device: { name: hostname(), os: `Linux ${release()}`, agentVersion: AGENT_VERSION },
    tuning: tuningFromEnv(process.env.WORKTRAIL_AGENT_TUNING),
    // Loopback http is always allowed (ApiClient); anything else must be https.
    log: (e: AgentEvent) => print(e),
  });
  if (!agent.signedIn) {
    if (!values.server || !values.code) usage("Not signed in yet: pass --server URL and --code CODE (from the web app: Devices → Connect the desktop app).");
    await agent.signIn({ server: values.server, code: values.code });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print({ event: "stopping", signal, at: new Date().toISOString() });
    try {
      await agent.stop();
      const { pending } = await agent.flush(FLUSH_ON_EXIT_MS);
      await agent.close();
      print({ event: "exited", pending, at: new Date().toISOString() });
      process.exit(0);
    } catch (e) {
      print({ event: "error", error: (e as Error).message, at: new Date().toISOString() });
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  agent.run();
  if (!values["no-start"]) await agent.start({ projectId: values.project ?? null, taskId: null, note: "" });
}

async function status(argv: string[]) {
  const { values } = parseArgs({ args: argv, strict: true, options: { "data-dir": { type: "string" }, json: { type: "boolean" } } });
  const dataDir = values["data-dir"] ?? defaultDataDir();
  const keyStore = keyStoreFor(dataDir);
  const history = await History.open(dataDir, keyStore);
  const queue = await RecordQueue.open({ dir: dataDir, keyStore });
  const credentials = await loadCredentials(dataDir, keyStore);
  const { items, shots } = history.view();
  const entries = items.flatMap((i) => (i.kind === "time_entry" ? [{ id: i.id, start: i.start, end: i.end ?? null, projectId: i.projectId ?? null, note: i.note ?? "" }] : []));
  const seconds = entries.reduce((sum, e) => sum + (e.end ? (Date.parse(e.end) - Date.parse(e.start)) / 1000 : 0), 0);
  const report = {
    state: credentials ? "signed_in" : "signed_out",
    todaySeconds: seconds,
    pendingUploads: queue.stats().records,
    entries,
    slots: items.flatMap((i) => (i.kind === "slot" ? [{ id: i.id, slotStart: i.slotStart, trackedSeconds: i.trackedSeconds, activeSeconds: i.activeSeconds }] : [])),
    usage: items.flatMap((i) => (i.kind === "usage" ? [{ id: i.id, app: i.app, title: i.title ?? null, url: i.url ?? null, start: i.start, end: i.end }] : [])),
    idle: items.flatMap((i) => (i.kind === "idle" ? [{ id: i.id, start: i.start, end: i.end, decision: i.decision }] : [])),
    shots: shots.map((s) => ({ shotId: s.shotId, takenAt: s.takenAt, app: s.app })),
  };
  await queue.close();
  await history.close();
  if (values.json) print(report);
  else {
    process.stdout.write(`${report.state}; ${entries.length} entries, ${Math.round(seconds)} s recorded; ${report.pendingUploads} records waiting for upload\n`);
  }
}

const [command, ...rest] = process.argv.slice(2);
const main = command === "run" ? run : command === "status" ? status : null;
if (!main) usage(command ? `Unknown command ${command}.` : undefined);
main(rest).catch((e: Error) => {
  print({ event: "error", error: e.message, at: new Date().toISOString() });
  process.exit(1);
});
