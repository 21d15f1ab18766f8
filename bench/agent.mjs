#!/usr/bin/env node
// `npm run bench:agent` (issue 4, "Performance"). The headless agent tracks for 5 minutes under
// Xvfb (busy xterm windows, focus switches, mouse input) against a local `wrangler dev`, with
// screenshots at the workspace's highest rate (3 per 10-minute slot). Prints the agent's average
// CPU (its own process plus the X11 tools it runs), peak RSS, bytes uploaded per hour, and the
// size of a sealed 1920×1080 screenshot of a busy screen. In the same run, two baselines:
//   - "bare poller": a Node process that only runs the same X11 tools once a second (xdotool,
//     xprop, xprintidle) and keeps nothing: the floor for any agent that polls X11 each second;
//   - "idle Node": a Node process with a 1-second timer: the runtime's own floor.
//
//   BENCH_AGENT_SECONDS=300      how long the agent tracks
//   BENCH_BASELINE_SECONDS=60    how long each baseline runs
//   BENCH_KEEP_STATE=1           keep .wrangler/bench-agent-state
import { execFile, spawn } from "node:child_process";
import { readFileSync, rmSync, mkdtempSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../scripts/lib/dev-server.mjs";
import { applyMigrations, ensureWebBuild, firstFreePort, snapshotApp } from "../scripts/lib/snapshot.mjs";
import { AGENT_NODE_FLAGS, buildAgent } from "../scripts/build-agent.mjs";

const exec = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const STATE_DIR = join(ROOT, ".wrangler", "bench-agent-state");
const SECONDS = Number(process.env.BENCH_AGENT_SECONDS ?? 300);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 60);
const TARGETS = { cpuPercent: 1, rssMiB: 80, screenshotKiB: 200 };
const CLK_TCK = 100; // Linux USER_HZ: /proc times are in 1/100 s
const log = (t) => console.log(`• ${t}`);

/** CPU seconds of a process and of its waited-for children (the X11 tools), and its RSS figures. */
function procSample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14–17 of stat (utime, stime, cutime, cstime), counted from after the command name.
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / CLK_TCK, rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
}

/** Average CPU % of one core between two samples, and the peak RSS seen. */
function usageBetween(a, b, wallSeconds, peakKiB) {
  return { cpuPercent: ((b.cpuSeconds - a.cpuSeconds) / wallSeconds) * 100, peakRssMiB: Math.max(peakKiB, b.hwmKiB) / 1024 };
}

/** Samples `pid` every second for `seconds` after `warmupSeconds`; resolves with the usage. */
async function measure(pid, seconds, warmupSeconds = 10) {
  await sleep(warmupSeconds * 1000);
  const first = procSample(pid);
  const started = Date.now();
  let peak = first.hwmKiB;
  while (Date.now() - started < seconds * 1000) {
    await sleep(1000);
    peak = Math.max(peak, procSample(pid).hwmKiB);
  }
  return usageBetween(first, procSample(pid), (Date.now() - started) / 1000, peak);
}

/** A loopback TCP proxy to `port` that counts the bytes clients send (the agent's uploads). */
async function countingProxy(port) {
  let up = 0;
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    client.on("data", (d) => { up += d.length; });
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on("error", end);
    upstream.on("error", end);
  });
  const listen = await firstFreePort(9100, 9200);
  await new Promise((r) => server.listen(listen, "127.0.0.1", r));
  return { port: listen, bytes: () => up, close: () => new Promise((r) => server.close(r)) };
}

/** xterms full of text, so screenshots are as large as a real desktop's. */
function busyWindows(env, n = 3) {
  return Array.from({ length: n }, (_, i) => spawn("xterm", [
    "-T", `Busy ${i}`, "-geometry", `160x50+${i * 300}+${i * 120}`,
    "-e", "sh", "-c", "find /usr/share/doc /usr/lib/node_modules 2>/dev/null | head -4000; ls -la /usr/bin | head -300; sleep 3600",
  ], { env, detached: true, stdio: "ignore" }));
}

const BARE_POLLER = `
const { execFile } = require("node:child_process");
const run = (cmd, args) => new Promise((r) => execFile(cmd, args, () => r()));
setInterval(async () => {
  await run("xdotool", ["getactivewindow", "getwindowname"]);
  await run("xprop", ["-id", process.env.WID, "WM_CLASS", "_NET_WM_PID"]);
  await run("xprintidle", []);
}, 1000);`;

function fmt(n, d = 1) {
  return Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "–";
}

async function main() {
  await ensureWebBuild();
  rmSync(STATE_DIR, { recursive: true, force: true });
  snapshotApp(join(STATE_DIR, "app"));
  log("Applying migrations to a fresh benchmark database");
  await applyMigrations(join(STATE_DIR, "app"), join(STATE_DIR, "template"));
  process.env.AGENT_E2E_STATE = STATE_DIR;
  // The end-to-end harness's server, X and agent helpers (read after AGENT_E2E_STATE is set).
  const { createStack } = await import("../test/agent-e2e/lib/stack.mjs");
  const { startX } = await import("../test/agent-e2e/lib/x11.mjs");

  const cleanup = [];
  try {
    const stack = await createStack("bench");
    cleanup.push(() => stack.close());
    log(`wrangler dev on ${stack.baseUrl}`);
    const seed = await stack.seedDemo();
    await stack.api.patchTrackingSettings(seed.ownerToken, seed.workspaceId, { screenshotsPerSlot: 3, screenshotBlur: false });
    const code = await stack.api.issueCode(seed.employeeToken, seed.workspaceId);

    const x = await startX();
    cleanup.push(() => x.close());
    const terms = busyWindows(x.env);
    cleanup.push(() => terms.forEach((t) => { try { process.kill(-t.pid, "SIGKILL"); } catch { /* gone */ } }));
    await sleep(2000);

    // 1. The size of one sealed screenshot of this busy 1920×1080 screen, through the agent's own pipeline.
    const { register } = await import("tsx/esm/api");
    register();
    const { createX11Collectors } = await import("../desktop/src/core/collectors/x11.ts");
    const { takeScreenshots } = await import("../desktop/src/core/screenshots/pipeline.ts");
    const { generateWorkspaceKeyPair } = await import("../worker/crypto/hpke.ts");
    const keys = await generateWorkspaceKeyPair();
    const collectors = createX11Collectors({ display: x.display });
    const [shot] = await takeScreenshots(
      { screen: collectors.screen, clock: { now: () => Date.now() }, key: { workspaceId: seed.workspaceId, memberId: seed.employee.id, publicKey: keys.publicKey } },
      { blur: false, activity: 50, app: "XTerm" },
    );
    const sealedKiB = Buffer.byteLength(shot.record.full, "base64") / 1024;
    const sealedThumbKiB = Buffer.byteLength(shot.record.thumb, "base64") / 1024;
    log(`Sealed ${shot.width}×${shot.height} screenshot of the busy screen: ${fmt(sealedKiB)} KiB (+ ${fmt(sealedThumbKiB)} KiB thumbnail)`);

    // 2. The agent, through a byte-counting proxy.
    const proxy = await countingProxy(stack.port);
    cleanup.push(() => proxy.close());
    const dataDir = mkdtempSync(join(tmpdir(), "wt-bench-agent-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // As `npm run agent` runs it: the bundle, plain Node, a small young generation.
    const bundle = await buildAgent();
    const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, bundle, "run", "--server", `http://127.0.0.1:${proxy.port}`, "--code", code, "--data-dir", dataDir], {
      cwd: ROOT, env: { ...x.env }, stdio: ["ignore", "pipe", "pipe"],
    });
    const events = [];
    agent.stdout.on("data", (d) => { for (const line of String(d).split("\n").filter(Boolean)) { try { events.push(JSON.parse(line)); } catch { /* not JSON */ } } });
    cleanup.push(() => { try { agent.kill("SIGKILL"); } catch { /* gone */ } });
    // Someone working: the mouse moves every 2 s and the focus changes every 20 s.
    let tick = 0;
    const wids = (await exec("xdotool", ["search", "--name", "Busy"], { env: x.env })).stdout.trim().split("\n").filter(Boolean);
    const activity = setInterval(() => {
      tick++;
      void exec("xdotool", ["mousemove", String(200 + (tick % 50) * 7), String(300 + (tick % 30) * 5)], { env: x.env }).catch(() => {});
      if (tick % 10 === 0 && wids.length) void exec("xdotool", ["windowactivate", wids[(tick / 10) % wids.length]], { env: x.env }).catch(() => {});
    }, 2000);
    cleanup.push(() => clearInterval(activity));
    log(`Agent tracking for ${SECONDS} s (10 s warm-up not measured)`);
    const bytesBefore = proxy.bytes();
    const agentUsage = await measure(agent.pid, SECONDS);
    const uploadedPerHour = ((proxy.bytes() - bytesBefore) * 3600) / SECONDS;
    agent.kill("SIGTERM");
    await new Promise((r) => agent.on("exit", r));
    clearInterval(activity);
    const shots = events.filter((e) => e.event === "screenshot");

    // 3. Baselines, the same way.
    const wid = wids[0] ?? "0";
    log(`Baseline: bare X11 poller for ${BASELINE_SECONDS} s`);
    const poller = spawn(process.execPath, ["-e", BARE_POLLER], { env: { ...x.env, WID: wid }, stdio: "ignore" });
    cleanup.push(() => { try { poller.kill("SIGKILL"); } catch { /* gone */ } });
    const pollerUsage = await measure(poller.pid, BASELINE_SECONDS, 3);
    poller.kill("SIGKILL");
    log(`Baseline: idle Node for ${BASELINE_SECONDS} s`);
    const idle = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    cleanup.push(() => { try { idle.kill("SIGKILL"); } catch { /* gone */ } });
    const idleUsage = await measure(idle.pid, BASELINE_SECONDS, 3);
    idle.kill("SIGKILL");

    console.log("\n== Worktrail agent benchmark (issue 4) ==");
    console.log(`Headless agent under Xvfb 1920×1080, ${SECONDS} s of tracking with mouse input every 2 s and a focus change every 20 s,`);
    console.log("3 screenshots per 10-minute slot, against wrangler dev on loopback. CPU = the process plus the X11 tools it runs,");
    console.log("as % of one core, after a 10 s warm-up. Uploads counted by a loopback proxy (HTTP requests, headers included).\n");
    console.log("| process | avg CPU % | peak RSS MiB |");
    console.log("|:--|--:|--:|");
    console.log(`| worktrail agent | ${fmt(agentUsage.cpuPercent, 2)} | ${fmt(agentUsage.peakRssMiB)} |`);
    console.log(`| bare X11 poller (baseline) | ${fmt(pollerUsage.cpuPercent, 2)} | ${fmt(pollerUsage.peakRssMiB)} |`);
    console.log(`| idle Node (baseline) | ${fmt(idleUsage.cpuPercent, 2)} | ${fmt(idleUsage.peakRssMiB)} |`);
    console.log(`\nUploaded: ${fmt(uploadedPerHour / 1024)} KiB per hour (${shots.length} screenshot(s) taken during the run: ${shots.map((s) => `${fmt(s.sealedBytes / 1024)} KiB`).join(", ") || "none"})`);
    console.log(`Sealed 1920×1080 screenshot of the busy screen: ${fmt(sealedKiB)} KiB (thumbnail ${fmt(sealedThumbKiB)} KiB)`);
    const verdict = (ok) => (ok ? "met" : "MISSED");
    console.log(`\nTargets: CPU ≤ ${TARGETS.cpuPercent}% → ${verdict(agentUsage.cpuPercent <= TARGETS.cpuPercent)}; RSS ≤ ${TARGETS.rssMiB} MiB → ${verdict(agentUsage.peakRssMiB <= TARGETS.rssMiB)};`
      + ` screenshot ≤ ${TARGETS.screenshotKiB} KB → ${verdict(sealedKiB * 1024 <= TARGETS.screenshotKiB * 1000)}`);
    return 0;
  } finally {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
    if (!process.env.BENCH_KEEP_STATE) rmSync(STATE_DIR, { recursive: true, force: true });
  }
}

main().then((s) => process.exit(s), (e) => { console.error(`✖ ${e.stack ?? e.message}`); process.exit(1); });
