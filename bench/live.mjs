#!/usr/bin/env node
// `npm run bench:live` (issue 5, "Performance"; how to read the results: docs/benchmarks.md).
//
// Starts `wrangler dev -c bench/wrangler.bench.toml` (the real Worker plus the bench's baseline
// objects: lib/server.mjs) with a fresh database and throwaway secrets, seeds a workspace of 200
// tracking members and viewers of every role (bench/live-seed.ts), registers one agent per member the
// real way and signs the viewers in through the web login. Then, per path:
//   1. live: 500 board sockets (GET /live/{ws}, session cookies, our Origin; mixed roles), the agents
//      heartbeat at a steady rate with state and app changes; heartbeat-to-viewer latency over every
//      (heartbeat, socket that should see it) pair, misses, messages/s, frames per viewer;
//   2. the heartbeats again with no socket open (their own CPU);
//   3. bare: 500 sockets on a bare echo-broadcast object, one broadcast per heartbeat at the same
//      rate, every socket receiving every message (the platform's fan-out);
//   4. the broadcasts again with no socket open.
// and prints the tables, the CPU per delivered message of both and the targets (p99 ≤ 100 ms,
// fan-out cost ≤ 2× the bare broadcast).
//
// Paths: the socket of the workerd that runs the Worker, with wrangler's per-subrequest DevTools
// reporting switched off (what the Worker itself costs), then wrangler dev's URL (its proxy workerd
// forwards every request and every WebSocket frame).
//
//   BENCH_LIVE_AGENTS=200     tracking members, one agent each
//   BENCH_LIVE_SOCKETS=500    board sockets (a multiple of 5: one fifth per viewer class)
//   BENCH_LIVE_RATE=50        heartbeats per second in all (each agent every AGENTS / RATE s; at
//                             most AGENTS / 3.5: a device may send 20 heartbeats a minute)
//   BENCH_LIVE_SECONDS=60     duration of the live and the bare run
//   BENCH_LIVE_ALONE_SECONDS=20  duration of the runs without sockets (0 skips them)
//   BENCH_LIVE_PATHS=workerd,wrangler  which paths, in this order
//   BENCH_PROFILE=file        write a V8 CPU profile of the Worker's isolate during the first path's live run
//   BENCH_PORT, BENCH_KEEP_STATE      as for bench:ingest
import { loadavg } from "node:os";
import { excerpt, ROOT } from "../scripts/lib/dev-server.mjs";
import { setNetworkInspection } from "./lib/inspector.mjs";
import { startProfile } from "./lib/profile.mjs";
import { MIN_INTERVAL_MS, SimulatedAgent } from "./lib/live-agents.mjs";
import { measureBare, measureBroadcastsAlone, measureHeartbeatsAlone, measureLive } from "./lib/live-measure.mjs";
import { printLiveReport } from "./lib/live-report.mjs";
import { planSummary, registerLiveAgents, seedLiveWorkspace, signInViewers, viewerPlan } from "./lib/live-setup.mjs";
import { machineFacts } from "./lib/report.mjs";
import { intSetting, log, serverLogTail, startBenchServer, stopBenchServer } from "./lib/server.mjs";

function readSettings() {
  const agents = intSetting("BENCH_LIVE_AGENTS", 200, 10, 1000);
  const maxRate = Math.floor((agents * 1000) / MIN_INTERVAL_MS);
  const paths = (process.env.BENCH_LIVE_PATHS || "workerd,wrangler").split(",").map((p) => p.trim());
  if (!paths.length || paths.some((p) => p !== "workerd" && p !== "wrangler")) throw new Error(`BENCH_LIVE_PATHS must list workerd and/or wrangler, got ${process.env.BENCH_LIVE_PATHS}`);
  return {
    agents,
    sockets: intSetting("BENCH_LIVE_SOCKETS", 500, 5, 500),
    rate: intSetting("BENCH_LIVE_RATE", Math.min(50, maxRate), 1, maxRate),
    seconds: intSetting("BENCH_LIVE_SECONDS", 60, 5, 600),
    aloneSeconds: intSetting("BENCH_LIVE_ALONE_SECONDS", 20, 0, 600),
    paths,
    profile: process.env.BENCH_PROFILE || null,
  };
}

/** 10 teams and 10 projects for 200 members, scaled for other sizes; 4 executives (with the owner, 5 people see all). */
function seedShape(agents) {
  const groups = Math.max(2, Math.min(100, Math.round(agents / 20)));
  return { agents, teams: groups, projects: groups, executives: 4, tasks: 3 };
}

/** Hooks that profile the Worker's isolate around one live load into `file` (none without a file). */
function profileHooks(file, inspectorPort, path) {
  if (!file) return {};
  let stop = null;
  return {
    beforeLoad: async () => { stop = await startProfile(inspectorPort); },
    afterLoad: async () => log(`[${path.name}] CPU profile (self time, Worker isolate) written to ${file}:\n${await stop(file)}`),
  };
}

async function runPath(path, ctx) {
  const { settings, seed, plan, sims, cpu, baseUrl, inspectorPort, profile } = ctx;
  await path.prepare?.();
  // Fresh browser sessions for this path (an access cookie lives 10 minutes).
  const people = await signInViewers(baseUrl, plan, seed.password);
  log(`[${path.name}] ${people} viewers signed in through the web login; opening ${plan.length} board sockets on ${path.url}, then ${settings.rate} heartbeats/s for ${settings.seconds} s`);
  const hooks = profileHooks(profile, inspectorPort, path);
  const live = await measureLive({ path, workspaceId: seed.workspaceId, plan, sims, rate: settings.rate, seconds: settings.seconds, cpu, hooks });
  log(`[${path.name}] live: p50 ${live.latency.p50.toFixed(1)} ms, p99 ${live.latency.p99.toFixed(1)} ms, ${live.misses} misses, ${Math.round(live.messagesPerSecond)} messages/s`);
  let heartbeatsAlone = null;
  if (settings.aloneSeconds) {
    log(`[${path.name}] the same heartbeats with no socket open, ${settings.aloneSeconds} s`);
    heartbeatsAlone = await measureHeartbeatsAlone({ path, sims, rate: settings.rate, seconds: settings.aloneSeconds, cpu });
  }
  const bytes = Math.round(live.avgFrameBytes);
  log(`[${path.name}] bare echo broadcast: ${plan.length} sockets, ${settings.rate} broadcasts/s of ${bytes} bytes for ${settings.seconds} s`);
  const bare = await measureBare({ path, count: plan.length, rate: settings.rate, seconds: settings.seconds, bytes, cpu });
  log(`[${path.name}] bare: p50 ${bare.latency.p50.toFixed(1)} ms, p99 ${bare.latency.p99.toFixed(1)} ms, ${bare.misses} misses, ${Math.round(bare.messagesPerSecond)} messages/s`);
  let broadcastsAlone = null;
  if (settings.aloneSeconds) {
    log(`[${path.name}] the same broadcasts with no socket open, ${settings.aloneSeconds} s`);
    broadcastsAlone = await measureBroadcastsAlone({ path, rate: settings.rate, seconds: settings.aloneSeconds, bytes, cpu });
  }
  return { path: path.name, live, bare, heartbeatsAlone, broadcastsAlone };
}

async function main() {
  const settings = readSettings();
  const facts = machineFacts(ROOT);
  const load = loadavg().map((l) => l.toFixed(2)).join(", ");
  const { server, baseUrl, inspectorPort, direct, cpu } = await startBenchServer();
  try {
    // wrangler's per-subrequest DevTools reporting off from the start, while the inspector is quiet
    // enough to take the command (the setup's hundreds of requests would queue reports ahead of it);
    // switched on again for the wrangler dev path, as a developer has it.
    if (direct) await setNetworkInspection(inspectorPort, false);
    const shape = seedShape(settings.agents);
    log(`Seeding a workspace: ${shape.agents} tracking members, ${shape.teams} teams, ${shape.projects} projects, managers and viewers`);
    const seed = await seedLiveWorkspace(baseUrl, shape);
    const plan = viewerPlan(seed, settings.sockets);
    log(`Signing in ${seed.agents.length} members through the API and registering one agent each with a one-time code`);
    const agents = await registerLiveAgents(baseUrl, seed);
    const sims = agents.map((a) => new SimulatedAgent(a));

    const paths = [];
    if (settings.paths.includes("workerd") && !direct) log("Could not find the Worker's own workerd socket: measuring through wrangler dev's URL only");
    for (const name of settings.paths) {
      if (name === "workerd" && direct) paths.push({ name: "workerd", url: direct.url, prepare: () => setNetworkInspection(inspectorPort, false) });
      if (name === "wrangler") paths.push({ name: "wrangler dev", url: baseUrl, prepare: () => (direct ? setNetworkInspection(inspectorPort, true) : undefined) });
    }
    const results = [];
    // Profiled on the first path only: the profiler's own cost skews what it profiles.
    for (const [i, path] of paths.entries()) {
      results.push(await runPath(path, { settings, seed, plan, sims, cpu, baseUrl, inspectorPort, profile: i === 0 ? settings.profile : null }));
    }
    printLiveReport({ facts, settings, seedShape: shape, planSummary: planSummary(plan), results, load, serverLog: serverLogTail(server, 20) });
    return 0;
  } catch (err) {
    console.error(`✖ ${err.message}`);
    console.error("\n--- wrangler dev log (last lines) ---");
    console.error(serverLogTail(server));
    return 1;
  } finally {
    await stopBenchServer(server);
  }
}

main().then(
  (status) => process.exit(status),
  (err) => { console.error(`✖ ${err.stack ?? err.message}${err.output ? `\n${excerpt(err.output)}` : ""}`); process.exit(1); },
);
