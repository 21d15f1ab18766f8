// The benchmarks' server (bench:ingest, bench:live): `wrangler dev -c bench/wrangler.bench.toml` on
// a free loopback port, from a snapshot of the sources, with a fresh database and throwaway secrets,
// and the Worker's own workerd socket found in /proc (lib/workerd-socket.mjs).
//
// Like scripts/e2e.mjs, the server runs from a snapshot of the sources taken at the start, so edits
// (or a web rebuild) while a benchmark runs cannot reload it halfway. The process group of wrangler
// dev is always stopped at the end (stop(), and on SIGINT / SIGTERM / exit).
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { devVarsText } from "../../scripts/dev-vars.mjs";
import { bin, isPortFree, ROOT, run, startWrangler, waitForHealth } from "../../scripts/lib/dev-server.mjs";
import { snapshotApp } from "../../scripts/lib/snapshot.mjs";
import { serverCpu } from "./cpu.mjs";
import { findWorkerdEntry } from "./workerd-socket.mjs";

export const STATE_DIR = join(ROOT, ".wrangler", "bench-state");
const APP_DIR = join(STATE_DIR, "app");
const PERSIST_DIR = join(STATE_DIR, "data");
const VARS_FILE = join(STATE_DIR, "bench.vars");
const CONFIG = join("bench", "wrangler.bench.toml");
/** What `wrangler dev` needs to bundle and serve the bench Worker. */
const SNAPSHOT = ["package.json", "tsconfig.json", "tsconfig.base.json", "bench", "worker", "web", "build", "migrations"];

export const log = (text) => console.log(`• ${text}`);

/** An integer setting from the environment, within [min, max]. */
export function intSetting(name, fallback, min, max) {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got ${raw}`);
  return value;
}

export async function freePort(from, avoid = -1) {
  for (let port = from; port < from + 100; port++) if (port !== avoid && (await isPortFree(port))) return port;
  throw new Error(`No free port between ${from} and ${from + 99}`);
}

/**
 * Builds the web app if there is no build, snapshots the sources, applies the migrations to a fresh
 * database and starts wrangler dev (request logging off: printing a line per request is wrangler's
 * work, not the Worker's). Resolves once /api/health answers, with the server, its URL, the
 * inspector port, the Worker's own socket (`direct`, or null when it cannot be found) and `cpu()`
 * (CPU ms so far of the Worker's workerd, the dev proxy's workerd and wrangler's Node: lib/cpu.mjs).
 */
export async function startBenchServer() {
  if (!existsSync(join(ROOT, "build", "server", "index.js"))) {
    log("No web build yet: running remix vite:build");
    await run(bin("remix"), ["vite:build"]);
  }
  rmSync(STATE_DIR, { recursive: true, force: true });
  snapshotApp(APP_DIR, SNAPSHOT);
  writeFileSync(VARS_FILE, devVarsText(), { mode: 0o600 });
  log("Applying migrations to a fresh benchmark database");
  await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "-c", CONFIG, "--persist-to", PERSIST_DIR], { cwd: APP_DIR });

  const port = process.env.BENCH_PORT ? intSetting("BENCH_PORT", 8900, 1, 65535) : await freePort(8900);
  const inspectorPort = await freePort(9300, port);
  const baseUrl = `http://127.0.0.1:${port}`;
  // --env-file supplies ENVIRONMENT=development (the seed) and the throwaway secrets; wrangler reads
  // it only with CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV on (see scripts/e2e.mjs).
  const server = startWrangler({
    port, cwd: APP_DIR,
    args: ["-c", CONFIG, "--persist-to", PERSIST_DIR, "--env-file", VARS_FILE, "--inspector-port", String(inspectorPort), "--log-level", "warn"],
    env: { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
  });
  const stopOnSignal = async () => { await server.stop(); process.exit(130); };
  process.on("SIGINT", stopOnSignal);
  process.on("SIGTERM", stopOnSignal);
  process.on("exit", () => server.killNow());

  log(`Starting wrangler dev on ${baseUrl}`);
  try {
    await waitForHealth(baseUrl, server);
  } catch (err) {
    await stopBenchServer(server);
    throw err;
  }
  const direct = await findWorkerdEntry(server.child.pid, port);
  return { server, port, baseUrl, inspectorPort, direct, cpu: () => serverCpu(server.child.pid, direct?.pid) };
}

/** Stops wrangler's process group; removes the state directory unless BENCH_KEEP_STATE is set. */
export async function stopBenchServer(server) {
  await server.stop();
  if (!process.env.BENCH_KEEP_STATE) rmSync(STATE_DIR, { recursive: true, force: true });
}

/** The last lines of wrangler's output, for error reports. */
export function serverLogTail(server, lines = 40) {
  return server.log().trimEnd().split("\n").slice(-lines).join("\n");
}
