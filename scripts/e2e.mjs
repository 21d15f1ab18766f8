#!/usr/bin/env node
// `npm run test:e2e`: browser tests (test/e2e/*.e2e.mjs, node:test + playwright-core + Debian's
// Chromium) against a real `wrangler dev` with its own fresh database and throwaway secrets, so a
// run never touches the developer's .wrangler/state or .dev.vars.
//
// wrangler dev reloads whenever its sources change, and a rebuild empties build/ for a moment,
// which kills it. The server therefore runs from a snapshot of the Worker, the web build and the
// migrations taken at the start: editing or rebuilding while the tests run cannot disturb them.
//
//   E2E_PORT=8800 npm run test:e2e      pick the port (default: first free from 8799)
//   E2E_KEEP_STATE=1 npm run test:e2e   keep .wrangler/e2e-state afterwards for inspection
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { devVarsText } from "./dev-vars.mjs";
import { excerpt, ROOT, startWrangler, waitForHealth } from "./lib/dev-server.mjs";
import { applyMigrations, ensureWebBuild, firstFreePort, snapshotApp } from "./lib/snapshot.mjs";

const STATE_DIR = join(ROOT, ".wrangler", "e2e-state");
const APP_DIR = join(STATE_DIR, "app");
const PERSIST_DIR = join(STATE_DIR, "data");
const VARS_FILE = join(STATE_DIR, "e2e.vars");
const TEST_DIR = join(ROOT, "test", "e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function freePort() {
  if (process.env.E2E_PORT) return Number(process.env.E2E_PORT);
  return firstFreePort(8799, 8899);
}

function runTests(files, baseUrl) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=1", "--test-timeout=180000", ...files], {
      cwd: ROOT, stdio: "inherit", env: { ...process.env, WORKTRAIL_URL: baseUrl, CHROMIUM_PATH: CHROMIUM },
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const files = readdirSync(TEST_DIR).filter((f) => f.endsWith(".e2e.mjs")).sort().map((f) => join(TEST_DIR, f));
  if (!files.length) throw new Error(`No *.e2e.mjs files in ${TEST_DIR}`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH). .ci/run installs it.`);

  await ensureWebBuild();

  // Fresh snapshot, database and throwaway secrets on every run.
  rmSync(STATE_DIR, { recursive: true, force: true });
  snapshotApp(APP_DIR);
  writeFileSync(VARS_FILE, devVarsText(), { mode: 0o600 });
  console.log("• Applying migrations to a fresh e2e database");
  await applyMigrations(APP_DIR, PERSIST_DIR);

  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // --env-file replaces .dev.vars as the source of the Worker's secrets; wrangler reads it only
  // when CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV is on (the project .env turns it off for npm start).
  const server = startWrangler({
    port, cwd: APP_DIR, args: ["--persist-to", PERSIST_DIR, "--env-file", VARS_FILE],
    env: { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
  });
  const stopOnSignal = async () => { await server.stop(); process.exit(130); };
  process.on("SIGINT", stopOnSignal);
  process.on("SIGTERM", stopOnSignal);
  process.on("exit", () => server.killNow());

  let status = 1;
  try {
    console.log(`• Starting wrangler dev on ${baseUrl}`);
    await waitForHealth(baseUrl, server);
    status = await runTests(files, baseUrl);
  } catch (err) {
    console.error(`✖ ${err.message}`);
  } finally {
    await server.stop();
  }
  if (status !== 0) {
    console.error("\n--- wrangler dev log (last lines) ---");
    console.error(server.log().trimEnd().split("\n").slice(-80).join("\n"));
    console.error("--- end of wrangler dev log ---\n");
  }
  if (!process.env.E2E_KEEP_STATE) rmSync(STATE_DIR, { recursive: true, force: true });
  return status;
}

main().then(
  (status) => process.exit(status),
  (err) => { console.error(`✖ ${err.message}${err.output ? `\n${excerpt(err.output)}` : ""}`); process.exit(1); },
);
