// One Worktrail server per run: `wrangler dev` from the snapshot scripts/agent-e2e.mjs prepared,
// with its own database (a copy of the migrated template) and throwaway secrets. stop() and start()
// keep the port and the persist dir, so the fault run can take the server away and bring the same
// data back, as an outage would.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { devVarsText } from "../../../scripts/dev-vars.mjs";
import { startWrangler, waitForHealth } from "../../../scripts/lib/dev-server.mjs";
import { seedDemo } from "../../../scripts/lib/demo-logins.mjs";
import { firstFreePort } from "../../../scripts/lib/snapshot.mjs";
import { createApi } from "./api.mjs";

/** Set by scripts/agent-e2e.mjs: the snapshot (app/) and the migrated empty database (template/). */
export const STATE_DIR = process.env.AGENT_E2E_STATE;

function requireState() {
  if (!STATE_DIR || !existsSync(join(STATE_DIR, "app")) || !existsSync(join(STATE_DIR, "template"))) {
    throw new Error("No prepared snapshot: run these tests through `npm run test:agent` (scripts/agent-e2e.mjs).");
  }
  return STATE_DIR;
}

/**
 * A fresh server named `name` (its files live in STATE_DIR/stacks/name). Ports from 8900 up, so a
 * browser e2e run (8799 up) on the same machine does not collide.
 */
export async function createStack(name) {
  const state = requireState();
  const dir = join(state, "stacks", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const persistDir = join(dir, "data");
  cpSync(join(state, "template"), persistDir, { recursive: true });
  const varsFile = join(dir, "worker.vars");
  writeFileSync(varsFile, devVarsText(), { mode: 0o600 });
  const port = await firstFreePort(8900, 9000);
  const baseUrl = `http://127.0.0.1:${port}`;

  let server = null;
  let pastLogs = "";

  async function start() {
    if (server) throw new Error("The stack is already running");
    server = startWrangler({
      port, cwd: join(state, "app"), args: ["--persist-to", persistDir, "--env-file", varsFile],
      // --env-file is read only with this on (the project .env turns it off for npm start).
      env: { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
    });
    await waitForHealth(baseUrl, server);
  }

  /** Stops wrangler and workerd (the whole process group); the data stays for start(). */
  async function stop() {
    if (!server) return;
    const s = server;
    server = null;
    await s.stop();
    pastLogs += s.log();
  }

  // A test that dies half-way must not leave workerd holding the port.
  process.once("exit", () => server?.killNow());

  await start();
  const api = createApi(baseUrl);
  return {
    name, baseUrl, port, persistDir, api, start, stop,
    running: () => server !== null,
    /** The last lines of wrangler's output across every start, for failure messages. */
    log: (lines = 60) => (pastLogs + (server?.log() ?? "")).trimEnd().split("\n").slice(-lines).join("\n"),
    /** Seeds the demo workspace; returns it with tokens of the owner and the employee Emma. */
    async seedDemo() {
      const seed = await seedDemo(baseUrl);
      const byRole = (role) => seed.logins.find((l) => l.role === role);
      const workspaceId = seed.workspace.id;
      const owner = await api.login(byRole("owner").email, seed.password);
      const employeeLogin = seed.logins.find((l) => l.email.startsWith("employee@"));
      const employee = await api.login(employeeLogin.email, seed.password);
      const member = await api.memberByEmail(owner, workspaceId, employeeLogin.email);
      return { workspaceId, ownerToken: owner, employeeToken: employee, employee: member };
    },
    /** Stops the server for good and removes its files unless AGENT_E2E_KEEP_STATE is set. */
    async close() {
      await stop();
      if (!process.env.AGENT_E2E_KEEP_STATE) rmSync(dir, { recursive: true, force: true });
    },
  };
}
