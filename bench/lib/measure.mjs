// The two measurements of a benchmark level: the ingest through HTTP, and the raw-insert ceiling.
import { postJson } from "./agents.mjs";
import { ITEMS_PER_BATCH, USAGE_PER_BATCH } from "./batch.mjs";
import { cpuDelta } from "./cpu.mjs";
import { runAgents } from "./load.mjs";
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
