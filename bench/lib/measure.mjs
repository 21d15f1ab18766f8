// The measurements of the ingest benchmark: the ingest through HTTP (closed loop: throughput), the
// same traffic into a bare Durable Object (the platform's limit), the raw-insert ceiling inside an
// object, and the ingest's latency under a schedule of uploads (open loop).
import { postJson } from "./agents.mjs";
import { ITEMS_PER_BATCH, USAGE_PER_BATCH } from "./batch.mjs";
import { cpuDelta } from "./cpu.mjs";
import { bareRoute, runAgents, runSchedule } from "./load.mjs";
import { median, percentile } from "./report.mjs";

/**
 * Ingest at one concurrency level: a warm-up batch per agent (not measured), then `rounds` batches
 * per agent. `cpu()` reads the server processes' CPU time, reported per batch.
 */
export async function measureIngest({ path, baseUrl, agents, rounds, cpu }) {
  const warm = await runAgents(baseUrl, agents, 0, 1);
  if (warm.errors.length) throw new Error(`Warm-up failed:\n${warm.errors.slice(0, 5).join("\n")}`);
  const cpuBefore = cpu();
  const clientBefore = process.cpuUsage();
  const m = await runAgents(baseUrl, agents, 1, 1 + rounds);
  const client = process.cpuUsage(clientBefore);
  const server = cpuDelta(cpuBefore, cpu());
  const batches = agents.length * rounds;
  const perBatch = (ms) => ms / batches;
  return {
    concurrency: agents.length, path, batches, items: batches * ITEMS_PER_BATCH, stored: m.counts.stored, counts: m.counts,
    eventsPerSecond: (m.counts.stored * 1000) / m.wallMs, wallMs: m.wallMs,
    p50: percentile(m.latencies, 50), p99: percentile(m.latencies, 99), errors: m.errors,
    cpuPerBatch: {
      worker: perBatch(server.worker), proxy: perBatch(server.proxy), wrangler: perBatch(server.wrangler),
      client: perBatch((client.user + client.system) / 1000),
    },
  };
}

/**
 * The bare path at one level: `count` agents (no device tokens: nothing is authenticated) send the
 * same batches in the same closed loop to /bench/raw-batch, which parses them, maps them to rows and
 * has one RawInsertObject insert them (one transaction per request). Rows/s over the wall time.
 */
export async function measureBare({ path, baseUrl, count, rounds, cpu }) {
  const agents = Array.from({ length: count }, (_, index) => ({ index }));
  const route = bareRoute(`${path}-${count}-${Date.now()}`);
  const warm = await runAgents(baseUrl, agents, 0, 1, route);
  if (warm.errors.length) throw new Error(`Bare warm-up failed:\n${warm.errors.slice(0, 5).join("\n")}`);
  const cpuBefore = cpu();
  const m = await runAgents(baseUrl, agents, 1, 1 + rounds, route);
  const server = cpuDelta(cpuBefore, cpu());
  if (m.errors.length) throw new Error(`Bare path failed:\n${m.errors.slice(0, 5).join("\n")}`);
  return {
    rowsPerSecond: (m.counts.stored * 1000) / m.wallMs, p50: percentile(m.latencies, 50), p99: percentile(m.latencies, 99),
    /** The Worker's workerd CPU per batch: steadier than wall-clock rates on a shared machine. */
    workerCpuPerBatch: server.worker / (count * rounds),
  };
}

/**
 * Latency under load: every agent uploads one 10-minute batch every `intervalMs` (the 10 minutes
 * compressed by 600,000 / intervalMs), from a random phase, answered or not. One warm-up batch each.
 */
export async function measureSchedule({ path, baseUrl, agents, rounds, intervalMs }) {
  const warm = await runAgents(baseUrl, agents, 0, 1);
  if (warm.errors.length) throw new Error(`Warm-up failed:\n${warm.errors.slice(0, 5).join("\n")}`);
  const m = await runSchedule(baseUrl, agents, 1, 1 + rounds, intervalMs);
  if (m.errors.length) throw new Error(`Scheduled uploads failed:\n${m.errors.slice(0, 5).join("\n")}`);
  return {
    path, agents: agents.length, intervalMs, speedup: 600_000 / intervalMs, offeredPerSecond: (agents.length * 1000) / intervalMs,
    batches: m.latencies.length, p50: percentile(m.latencies, 50), p99: percentile(m.latencies, 99), max: Math.max(...m.latencies),
  };
}

/**
 * The ceiling: RawInsertObject inserting the rows of `batches` batches, median rows/s of `repeats`
 * runs; `flushEachBatch` flushes every batch's writes on their own, as separate requests do.
 */
export async function measureRaw(baseUrl, batches, repeats, flushEachBatch = false) {
  const rates = [];
  for (let i = 0; i < repeats; i++) {
    const r = await postJson(baseUrl, "/bench/raw", { batches, usagePerBatch: USAGE_PER_BATCH, flushEachBatch });
    if (r.rows !== batches * ITEMS_PER_BATCH) throw new Error(`/bench/raw inserted ${r.rows} rows, expected ${batches * ITEMS_PER_BATCH}`);
    rates.push(r.rowsPerSecond);
  }
  return median(rates);
}
