#!/usr/bin/env node
// `npm run test:agent`: the headless desktop agent end to end (issue 4 §4). Each run in
// test/agent-e2e/*.e2e.mjs starts its own Xvfb display with real xterm windows, its own
// `wrangler dev` (fresh database, throwaway secrets) and the agent CLI, then compares what the agent
// says it recorded with what the server stored.
//
// Like scripts/e2e.mjs, the servers run from a snapshot of the Worker, the web build and the
// migrations, so editing or rebuilding while the tests run cannot disturb them. The migrations are
// applied once to a template database that every run copies.
//
//   npm run test:agent -- fault              only the files whose name contains "fault"
//   AGENT_E2E_KEEP_STATE=1 npm run test:agent keep .wrangler/agent-e2e-state for inspection
import { spawn } from "node:child_process";
import { accessSync, constants, readdirSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { excerpt, ROOT } from "./lib/dev-server.mjs";
import { applyMigrations, ensureWebBuild, snapshotApp } from "./lib/snapshot.mjs";

const STATE_DIR = join(ROOT, ".wrangler", "agent-e2e-state");
const TEST_DIR = join(ROOT, "test", "agent-e2e");

/** The programs the runs call, and the Debian package that has each. */
const TOOLS = {
  Xvfb: "xvfb", xdotool: "xdotool", xprintidle: "xprintidle", xprop: "x11-utils",
  import: "imagemagick", xterm: "xterm", openbox: "openbox", sqlite3: "sqlite3",
};

function onPath(cmd) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try { accessSync(join(dir, cmd), constants.X_OK); return true; } catch { return false; }
  });
}

function checkTools() {
  const missing = Object.entries(TOOLS).filter(([cmd]) => !onPath(cmd));
  if (!missing.length) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(" ");
  throw new Error(`Missing ${missing.map(([cmd]) => cmd).join(", ")}. Install them with: sudo apt-get install -y ${packages} (.ci/run does this).`);
}

function runTests(files) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=1", "--test-timeout=240000", ...files], {
      cwd: ROOT, stdio: "inherit", env: { ...process.env, AGENT_E2E_STATE: STATE_DIR },
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  checkTools();
  const filters = process.argv.slice(2);
  const files = readdirSync(TEST_DIR)
    .filter((f) => f.endsWith(".e2e.mjs") && (!filters.length || filters.some((w) => f.includes(w))))
    .sort().map((f) => join(TEST_DIR, f));
  if (!files.length) throw new Error(`No *.e2e.mjs files in ${TEST_DIR}${filters.length ? ` matching ${filters.join(", ")}` : ""}`);

  await ensureWebBuild();
  rmSync(STATE_DIR, { recursive: true, force: true });
  snapshotApp(join(STATE_DIR, "app"));
  console.log("• Applying migrations to the template database of the agent runs");
  await applyMigrations(join(STATE_DIR, "app"), join(STATE_DIR, "template"));

  const status = await runTests(files);
  if (!process.env.AGENT_E2E_KEEP_STATE) rmSync(STATE_DIR, { recursive: true, force: true });
  return status;
}

main().then(
  (status) => process.exit(status),
  (err) => { console.error(`✖ ${err.message}${err.output ? `\n${excerpt(err.output)}` : ""}`); process.exit(1); },
);
