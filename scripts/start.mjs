#!/usr/bin/env node
// `npm start`: local secrets, migrations, web build, `wrangler dev` on http://localhost:8787, the
// demo seed, and the demo logins. Safe to run again (each step is idempotent); Ctrl-C stops
// wrangler and its workerd together. PORT=8788 npm start picks another port.
import { ensureDevVars } from "./dev-vars.mjs";
import { seedDemo, formatLogins } from "./lib/demo-logins.mjs";
import { bin, isPortFree, run, startWrangler, excerpt, waitForHealth } from "./lib/dev-server.mjs";

const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://localhost:${port}`;
let server;

function fail(message, details) {
  console.error(`\n✖ ${message}`);
  if (details) console.error(`\n${excerpt(details)}\n`);
  process.exitCode = 1;
}

async function step(label, fn) {
  const started = Date.now();
  process.stdout.write(`• ${label}… `);
  try {
    const result = await fn();
    console.log(`done (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return result;
  } catch (err) {
    console.log("failed");
    throw err;
  }
}

async function main() {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`PORT must be a port number, got ${process.env.PORT}`);

  const vars = ensureDevVars(".dev.vars");
  if (vars.created) console.log("• Created .dev.vars with fresh local secrets (ENVIRONMENT=development).");
  else if (vars.missing.length) console.log(`! .dev.vars lacks ${vars.missing.join(", ")}; compare it with .dev.vars.example.`);
  else console.log("• Using the existing .dev.vars.");

  if (!(await isPortFree(port))) {
    return fail(`Port ${port} is already in use. Another \`npm start\` may still be running (stop it with Ctrl-C), or start on another port: PORT=${port + 1} npm start`);
  }

  try {
    await step("Applying D1 migrations to the local database", () => run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"]));
  } catch (err) {
    return fail("Applying migrations failed.", err.output ?? err.message);
  }
  try {
    await step("Building the web app", () => run(bin("remix"), ["vite:build"]));
  } catch (err) {
    return fail("The web build failed (fix the error below, then run npm start again).", err.output ?? err.message);
  }

  let ready = false;
  server = startWrangler({
    port,
    // Before the server is ready its output is kept for error reports; afterwards it is the request log.
    onOutput: (text) => { if (ready) process.stdout.write(text); },
  });
  try {
    await step(`Starting wrangler dev on port ${port}`, () => waitForHealth(baseUrl, server));
  } catch (err) {
    const log = server.log();
    const busy = /address already in use/i.test(log) ? ` Port ${port} (or the inspector port) is taken by another process.` : "";
    await server.stop();
    return fail(`${err.message}.${busy}`, log);
  }

  try {
    const seed = await step("Seeding the demo workspace", () => seedDemo(baseUrl));
    console.log(formatLogins(seed, baseUrl));
  } catch (err) {
    await server.stop();
    return fail(err.message, server.log());
  }

  console.log("Press Ctrl-C to stop.\n");
  ready = true;
  const { code, signal } = await server.exited;
  if (!shuttingDown) fail(`wrangler dev stopped unexpectedly (${signal ?? `exit ${code}`}).`);
  await server.stop();
}

let shuttingDown = false;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log("\nStopping wrangler dev…");
    await server?.stop();
    process.exit(0);
  });
}
// Whatever happens (an exception, process.exit), never leave workerd listening.
process.on("exit", () => server?.killNow());

main().catch((err) => fail(err?.stack ?? String(err)));
