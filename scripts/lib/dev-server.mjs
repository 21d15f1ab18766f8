// Shared by scripts/start.mjs and scripts/e2e.mjs: run the project's CLIs, start `wrangler dev` in
// its own process group and stop it again without leaving workerd behind (TOOLCHAIN.md, P10).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Local CLI from node_modules/.bin: no npx round trip, no npm config warnings in our output. */
export function bin(name) {
  const path = join(ROOT, "node_modules", ".bin", name);
  if (!existsSync(path)) throw new Error(`${name} is not installed. Run \`npm install\` first.`);
  return path;
}

// Keeps wrangler quiet and offline-friendly even where the project .env is not loaded.
export const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/**
 * Runs a command to completion with its output captured; resolves with the output, rejects with
 * an Error carrying it. CI=true makes wrangler take the default answer instead of prompting.
 */
export function run(cmd, args, { env = {}, cwd = ROOT } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...WRANGLER_ENV, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => reject(Object.assign(err, { output })));
    child.on("close", (code, signal) => {
      if (code === 0) resolvePromise(output);
      else reject(Object.assign(new Error(`${cmd.split("/").pop()} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`), { output }));
    });
  });
}

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port, host = "127.0.0.1") {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once("error", () => resolvePromise(false));
    srv.listen(port, host, () => srv.close(() => resolvePromise(true)));
  });
}

/**
 * Starts `wrangler dev` detached (its own process group) so stop() can signal npx/node/workerd
 * together. Output is kept in memory for error reports; pass `onOutput` to stream it too.
 */
export function startWrangler({ port, args = [], env = {}, cwd = ROOT, onOutput }) {
  const child = spawn(bin("wrangler"), [
    "dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", ...args,
  ], {
    cwd, detached: true, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...WRANGLER_ENV, ...env },
  });
  let log = "";
  const collect = (d) => {
    const text = String(d);
    log = (log + text).slice(-200_000);
    onOutput?.(text);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  let stopping;

  /** SIGTERM to the whole group, SIGKILL if anything is still alive after a grace period. */
  function stop(graceMs = 4000) {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return killGroup("SIGKILL");
      killGroup("SIGTERM");
      const timer = new Promise((r) => setTimeout(r, graceMs, "timeout"));
      if ((await Promise.race([exited, timer])) === "timeout") killGroup("SIGKILL");
      // workerd can outlive the wrangler process by a moment; make sure the group is gone.
      await new Promise((r) => setTimeout(r, 200));
      killGroup("SIGKILL");
    })();
    return stopping;
  }

  function killGroup(signal) {
    try { process.kill(-child.pid, signal); } catch { /* group already gone */ }
  }

  /** Synchronous last resort for process "exit" handlers, where nothing async runs any more. */
  const killNow = () => killGroup("SIGKILL");

  return { child, exited, stop, killNow, log: () => log };
}

/** Polls GET /api/health until it answers ok, the child exits, or the timeout passes. */
export async function waitForHealth(baseUrl, server, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  server.exited.then(() => (exited = true));
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) throw new Error("wrangler dev exited before it became ready");
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5000) });
      const body = await res.json().catch(() => null);
      if (res.ok && body?.ok === true) return body;
      last = `HTTP ${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = err?.cause?.code ?? err?.message ?? String(err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`wrangler dev did not become healthy within ${timeoutMs / 1000}s (last: ${last})`);
}

/**
 * The part of a long output worth showing: from the first line that reports an error (build tools
 * print the cause first and a long module list after it), else the last lines.
 */
export function excerpt(text, lines = 30) {
  const all = String(text ?? "").trimEnd().split("\n");
  const first = all.findIndex((l) => /✘|✗|\berror\b|failed|exception/i.test(l));
  return (first === -1 ? all.slice(-lines) : all.slice(first, first + lines)).join("\n");
}
