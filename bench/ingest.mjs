#!/usr/bin/env node
// `npm run bench:ingest` (issue 3, "Performance"; how to read the results: docs/benchmarks.md).
//
// Starts `wrangler dev -c bench/wrangler.bench.toml` (the real Worker plus RawInsertObject) on a
// free port with a fresh database and throwaway secrets, seeds the demo workspace, signs in one
// simulated desktop agent per concurrent client, and for each concurrency level lets every agent
// upload realistic 10-minute batches (1 time entry revision, 1 slot, 30 usage spans) over loopback
// HTTP, back to back (throughput). At each level the same traffic also goes to a bare Durable
// Object that only inserts the rows (the limit); and RawInsertObject inserts the same number of rows
// from inside itself (the ceiling without HTTP). Then 50 agents upload on a schedule, one batch
// every 2 s each (10 minutes compressed 300×), for the latency under load. Prints the tables and
// the CPU time per batch.
//
// Two paths, each with its own agents: the socket of the workerd that runs the Worker, with
// wrangler's per-subrequest DevTools reporting switched off (lib/workerd-socket.mjs,
// lib/inspector.mjs): what the Worker itself costs; then wrangler dev's URL as a developer uses it.
//
// Like scripts/e2e.mjs, the server runs from a snapshot of the sources taken at the start, so edits
// (or a web rebuild) while the benchmark runs cannot reload it halfway. The process group of
// wrangler dev is always stopped at the end.
//
//   BENCH_LEVELS=1,10,50     concurrency levels (agents uploading at once)
//   BENCH_ROUNDS=20          measured batches per agent and level (at most 58: a device may send
//                            60 batches a minute, and each agent also sends one warm-up batch)
//   BENCH_RAW_REPEATS=3      raw-insert runs per level (the median is reported)
//   BENCH_SCHEDULE_AGENTS=50 agents of the scheduled (latency) run; 0 skips it
//   BENCH_INTERVAL_MS=2000   each scheduled agent's time between uploads (≥ 1000: 60 batches a minute per device)
//   BENCH_SCHEDULE_ROUNDS=15 scheduled uploads per agent (after 1 warm-up)
//   BENCH_PROFILE=file       write a V8 CPU profile of the largest level on the first path (lib/profile.mjs)
//   BENCH_PORT=8900          port (default: first free from 8900)
//   BENCH_KEEP_STATE=1       keep .wrangler/bench-state afterwards
import { seedDemo } from "../scripts/lib/demo-logins.mjs";
import { excerpt, ROOT } from "../scripts/lib/dev-server.mjs";
import { loginRecordingMembers, registerAgents } from "./lib/agents.mjs";
import { ITEMS_PER_BATCH, USAGE_PER_BATCH } from "./lib/batch.mjs";
import { settle } from "./lib/cpu.mjs";
import { setNetworkInspection } from "./lib/inspector.mjs";
import { measureBare, measureIngest, measureRaw, measureSchedule } from "./lib/measure.mjs";
import { startProfile } from "./lib/profile.mjs";
import { machineFacts, printReport } from "./lib/report.mjs";
import { intSetting, log, serverLogTail, startBenchServer, stopBenchServer } from "./lib/server.mjs";

function intList(name, fallback) {
  const values = (process.env[name] || fallback).split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 200)) throw new Error(`${name} must be integers between 1 and 200, got ${process.env[name]}`);
  return values;
}

/** Every level on one path, each level with fresh agents taken from `pool`; then the scheduled run. */
async function runPath(path, settings, pool, cpu) {
  const rows = [];
  for (const level of settings.levels) {
    await settle(cpu);
    log(`Ingest via ${path.name} (${path.url}): ${level} agent(s) × ${settings.rounds} batches`);
    // Profiled at the largest level of the first path only: the profiler's own cost skews the row.
    const profiling = settings.profile && path.index === 0 && level === Math.max(...settings.levels);
    const stopProfile = profiling ? await startProfile(settings.inspectorPort) : null;
    const row = await measureIngest({ path: path.name, baseUrl: path.url, agents: pool.splice(0, level), rounds: settings.rounds, cpu });
    if (stopProfile) log(`CPU profile (self time, Worker isolate) written to ${settings.profile}:\n${await stopProfile(settings.profile)}`);
    if (row.errors.length) throw new Error(`Ingest at ${level} agents had errors:\n${row.errors.slice(0, 10).join("\n")}`);
    if (row.stored !== row.items) throw new Error(`Ingest at ${level} agents stored ${row.stored} of ${row.items} items: ${JSON.stringify(row.counts)}`);
    await settle(cpu);
    log(`Bare Durable Object via ${path.name}: ${level} agent(s) × ${settings.rounds} batches`);
    row.bare = await measureBare({ path: path.name, baseUrl: path.url, count: level, rounds: settings.rounds, cpu });
    rows.push(row);
  }
  let schedule = null;
  if (settings.scheduleAgents) {
    await settle(cpu);
    log(`Scheduled uploads via ${path.name}: ${settings.scheduleAgents} agents, one batch every ${settings.intervalMs} ms each, ${settings.scheduleRounds} rounds`);
    schedule = await measureSchedule({ path: path.name, baseUrl: path.url, agents: pool.splice(0, settings.scheduleAgents), rounds: settings.scheduleRounds, intervalMs: settings.intervalMs });
  }
  return { rows, schedule };
}

async function main() {
  const settings = {
    levels: intList("BENCH_LEVELS", "1,10,50"),
    rounds: intSetting("BENCH_ROUNDS", 20, 1, 58),
    rawRepeats: intSetting("BENCH_RAW_REPEATS", 3, 1, 10),
    scheduleAgents: intSetting("BENCH_SCHEDULE_AGENTS", 50, 0, 200),
    intervalMs: intSetting("BENCH_INTERVAL_MS", 2000, 1000, 600_000),
    scheduleRounds: intSetting("BENCH_SCHEDULE_ROUNDS", 15, 1, 58),
    profile: process.env.BENCH_PROFILE || null,
  };
  const facts = machineFacts(ROOT);
  const { server, baseUrl, inspectorPort, direct, cpu } = await startBenchServer();
  settings.inspectorPort = inspectorPort;

  try {
    const seed = await seedDemo(baseUrl);
    const members = await loginRecordingMembers(baseUrl, seed);
    if (!direct) log("Could not find the Worker's own workerd socket: measuring through wrangler dev's URL only");
    // The Worker's own socket first, while the DevTools session is quiet enough to take commands.
    const paths = [
      ...(direct ? [{ index: 0, name: "workerd", url: direct.url, prepare: () => setNetworkInspection(inspectorPort, false) }] : []),
      { index: direct ? 1 : 0, name: "wrangler dev", url: baseUrl, prepare: () => (direct ? setNetworkInspection(inspectorPort, true) : undefined) },
    ];
    const perPath = settings.levels.reduce((a, b) => a + b, 0) + settings.scheduleAgents;
    log(`Signing in ${perPath * paths.length} simulated agents (fresh ones for every level and path) for ${members.length} demo members`);
    const pool = await registerAgents(baseUrl, seed.workspace.id, members, perPath * paths.length);

    const rows = [];
    const schedules = [];
    for (const path of paths) {
      await path.prepare?.();
      const result = await runPath(path, settings, pool, cpu);
      rows.push(...result.rows);
      if (result.schedule) schedules.push(result.schedule);
    }
    const raw = new Map();
    for (const level of new Set(settings.levels)) {
      const batches = level * settings.rounds;
      log(`Raw inserts: ${batches} batches (${batches * ITEMS_PER_BATCH} rows) in RawInsertObject, flushed together and one by one`);
      raw.set(level, {
        together: await measureRaw(baseUrl, batches, settings.rawRepeats),
        eachBatch: await measureRaw(baseUrl, batches, settings.rawRepeats, true),
      });
    }
    for (const row of rows) {
      row.rawRowsPerSecond = raw.get(row.concurrency).together;
      row.rawFlushedRowsPerSecond = raw.get(row.concurrency).eachBatch;
    }
    rows.sort((a, b) => a.concurrency - b.concurrency);
    printReport({ facts, rows, schedules, rounds: settings.rounds, rawRepeats: settings.rawRepeats, itemsPerBatch: ITEMS_PER_BATCH, usagePerBatch: USAGE_PER_BATCH });
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
  (err) => { console.error(`✖ ${err.message}${err.output ? `\n${excerpt(err.output)}` : ""}`); process.exit(1); },
);
