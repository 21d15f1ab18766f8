// Percentiles, the results table and the machine facts the benchmark prints.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { join } from "node:path";

/** Nearest-rank percentile (p in 0..100) of unsorted numbers. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

export const median = (values) => percentile(values, 50);

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "–");

export const COLUMNS = [
  "concurrency", "path", "batches", "events/s", "p50 ms", "p99 ms", "bare DO rows/s", "bare p99 ms", "ingest/bare %",
  "raw rows/s", "ingest/raw %", "raw flushed/batch rows/s", "ingest/flushed %",
];

const pct = (a, b) => fmt((a / b) * 100, 1);

export function tableRow(r) {
  return [
    String(r.concurrency), r.path, fmt(r.batches), fmt(r.eventsPerSecond), fmt(r.p50, 1), fmt(r.p99, 1),
    fmt(r.bare.rowsPerSecond), fmt(r.bare.p99, 1), pct(r.eventsPerSecond, r.bare.rowsPerSecond),
    fmt(r.rawRowsPerSecond), pct(r.eventsPerSecond, r.rawRowsPerSecond),
    fmt(r.rawFlushedRowsPerSecond), pct(r.eventsPerSecond, r.rawFlushedRowsPerSecond),
  ];
}

export const SCHEDULE_COLUMNS = ["agents", "path", "every ms", "time ×", "offered batches/s", "batches", "p50 ms", "p99 ms", "max ms"];

export function scheduleRow(s) {
  return [String(s.agents), s.path, fmt(s.intervalMs), fmt(s.speedup), fmt(s.offeredPerSecond, 1), fmt(s.batches), fmt(s.p50, 1), fmt(s.p99, 1), fmt(s.max, 1)];
}

export const CPU_COLUMNS = [
  "concurrency", "path", "Worker's workerd", "dev proxy workerd", "wrangler (Node)", "server total", "load generator",
  "bare DO: Worker's workerd", "bare/ingest CPU %",
];

export function cpuRow(r) {
  const c = r.cpuPerBatch;
  return [
    String(r.concurrency), r.path, fmt(c.worker, 2), fmt(c.proxy, 2), fmt(c.wrangler, 2), fmt(c.worker + c.proxy + c.wrangler, 2), fmt(c.client, 2),
    fmt(r.bare.workerCpuPerBatch, 2), pct(r.bare.workerCpuPerBatch, c.worker),
  ];
}

/** A Markdown table (pasteable into docs/benchmarks.md), columns padded for the terminal. */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function versionOf(root, pkg) {
  try { return JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")).version; } catch { return "?"; }
}

/** Cores, CPU model, memory, Node, wrangler and workerd versions. */
export function machineFacts(root) {
  const cpu = cpus();
  // The workerd that wrangler dev runs is wrangler's own copy (the vitest plugin brings a newer one).
  const nested = join(root, "node_modules", "wrangler", "node_modules", "workerd", "bin", "workerd");
  const binary = existsSync(nested) ? nested : join(root, "node_modules", ".bin", "workerd");
  let workerd = "?";
  try {
    workerd = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim().replace(/^workerd /, "");
  } catch { /* version stays unknown */ }
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model?.trim() ?? "?",
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    kernel: release(),
    node: process.version,
    wrangler: versionOf(root, "wrangler"),
    workerd,
  };
}

/** Targets from issue 3, checked at TARGETS.concurrency agents. */
export const TARGETS = { ratio: 0.5, p99Ms: 50, concurrency: 50 };

export function printReport({ facts, rows, schedules, rounds, rawRepeats, itemsPerBatch, usagePerBatch }) {
  const say = (line = "") => console.log(line);
  say("\n== Worktrail ingest benchmark (issue 3) ==");
  say(`Loopback HTTP against \`wrangler dev\` (workerd ${facts.workerd}, wrangler ${facts.wrangler}) on this machine; the load`);
  say("generator, wrangler and workerd share its CPUs. This is not a measurement of Cloudflare's network.");
  say(`Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB RAM, Linux ${facts.kernel}, Node ${facts.node}.`);
  say("Paths: \"workerd\" = the socket of the workerd that runs the Worker, with wrangler's DevTools reporting of every");
  say("subrequest switched off: what the Worker itself costs; \"wrangler dev\" = its URL as is (its dev proxy, a second");
  say("workerd, forwards each request, and every subrequest is reported to wrangler's Node process).");
  say(`Batch: 1 time entry revision + 1 slot + ${usagePerBatch} usage spans = ${itemsPerBatch} items; ${rounds} measured batches per agent (after 1 warm-up).`);
  say("Throughput: every agent sends its next batch when the previous one is answered (a backlog being flushed).");
  say("events/s = items stored / wall time. bare DO rows/s = the same agents send the same batches over the same path to");
  say("a bare Durable Object that parses them and inserts the rows with plain multi-row INSERTs, one transaction per");
  say("request (no authentication, D1, validation, idempotency or rollups): the limit for this traffic. raw rows/s =");
  say(`RawInsertObject inserting the same rows from inside itself, no HTTP (median of ${rawRepeats}): all batches in one run,`);
  say("flushed together, and flushed after each batch (\"raw flushed/batch\").");
  say();
  say(markdownTable(COLUMNS, rows.map(tableRow)));
  if (schedules?.length) {
    say("\nLatency under a schedule: each agent uploads one 10-minute batch every \"every ms\" from a random phase, answered");
    say("or not (10 minutes compressed \"time ×\"; real agents send one batch per 10 minutes each):\n");
    say(markdownTable(SCHEDULE_COLUMNS, schedules.map(scheduleRow)));
  }
  say("\nCPU time per batch in ms (from /proc, in 10 ms ticks: steadier than wall-clock figures when the machine is shared):\n");
  say(markdownTable(CPU_COLUMNS, rows.map(cpuRow)));
  say(`\nTargets at ${TARGETS.concurrency} agents: throughput ≥ ${TARGETS.ratio * 100}% of the raw insert rate in a bare Durable Object, p99 < ${TARGETS.p99Ms} ms`);
  const verdict = (ok) => (ok ? "met" : "MISSED");
  for (const at of rows.filter((r) => r.concurrency === TARGETS.concurrency)) {
    const bare = at.eventsPerSecond / at.bare.rowsPerSecond;
    const inside = at.eventsPerSecond / at.rawRowsPerSecond;
    say(`  via ${at.path.padEnd(12)} throughput ${(bare * 100).toFixed(1)}% of the bare object over the same path → ${verdict(bare >= TARGETS.ratio)}`
      + `; ${(inside * 100).toFixed(1)}% of inserts from inside an object (no HTTP) → ${verdict(inside >= TARGETS.ratio)}`);
    const byCpu = at.bare.workerCpuPerBatch / at.cpuPerBatch.worker;
    say(`  via ${at.path.padEnd(12)} by the Worker's CPU per batch (steadier on a shared machine): ingest does ${(byCpu * 100).toFixed(1)}% of the bare object's rate → ${verdict(byCpu >= TARGETS.ratio)}`);
    say(`  via ${at.path.padEnd(12)} back to back (${TARGETS.concurrency} batches always in flight): p99 ${at.p99.toFixed(1)} ms → ${verdict(at.p99 < TARGETS.p99Ms)}`);
  }
  for (const sc of (schedules ?? []).filter((x) => x.agents === TARGETS.concurrency)) {
    say(`  via ${sc.path.padEnd(12)} on a schedule (${sc.speedup}× real time): p99 ${sc.p99.toFixed(1)} ms → ${verdict(sc.p99 < TARGETS.p99Ms)}`);
  }
}
