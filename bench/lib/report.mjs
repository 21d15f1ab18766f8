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
  "concurrency", "path", "batches", "items", "events/s", "p50 ms", "p99 ms", "raw rows/s", "ingest/raw %", "raw flushed/batch rows/s", "ingest/flushed %",
];

export function tableRow(r) {
  return [
    String(r.concurrency), r.path, fmt(r.batches), fmt(r.items), fmt(r.eventsPerSecond), fmt(r.p50, 1), fmt(r.p99, 1),
    fmt(r.rawRowsPerSecond), fmt((r.eventsPerSecond / r.rawRowsPerSecond) * 100, 1),
    fmt(r.rawFlushedRowsPerSecond), fmt((r.eventsPerSecond / r.rawFlushedRowsPerSecond) * 100, 1),
  ];
}

export const CPU_COLUMNS = ["concurrency", "path", "Worker's workerd", "dev proxy workerd", "wrangler (Node)", "server total", "load generator"];

export function cpuRow(r) {
  const c = r.cpuPerBatch;
  return [String(r.concurrency), r.path, fmt(c.worker, 2), fmt(c.proxy, 2), fmt(c.wrangler, 2), fmt(c.worker + c.proxy + c.wrangler, 2), fmt(c.client, 2)];
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

export function printReport({ facts, rows, rounds, rawRepeats, itemsPerBatch, usagePerBatch }) {
  const say = (line = "") => console.log(line);
  say("\n== Worktrail ingest benchmark (issue 3) ==");
  say(`Loopback HTTP against \`wrangler dev\` (workerd ${facts.workerd}, wrangler ${facts.wrangler}) on this machine; the load`);
  say("generator, wrangler and workerd share its CPUs. This is not a measurement of Cloudflare's network.");
  say(`Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB RAM, Linux ${facts.kernel}, Node ${facts.node}.`);
  say("Paths: \"workerd\" = the socket of the workerd that runs the Worker, with wrangler's DevTools reporting of every");
  say("subrequest switched off: what the Worker itself costs; \"wrangler dev\" = its URL as is (its dev proxy, a second");
  say("workerd, forwards each request, and every subrequest is reported to wrangler's Node process).");
  say(`Batch: 1 time entry revision + 1 slot + ${usagePerBatch} usage spans = ${itemsPerBatch} items; ${rounds} measured batches per agent (after 1 warm-up).`);
  say("events/s = items stored / wall time; raw rows/s = RawInsertObject inserting the same rows with multi-row INSERTs,");
  say(`one transaction per batch, timed inside the object (median of ${rawRepeats}): all batches in one run, flushed to disk`);
  say("together (the issue's ceiling), and flushed after each batch, as separate requests are (\"raw flushed/batch\").");
  say();
  say(markdownTable(COLUMNS, rows.map(tableRow)));
  say("\nCPU time per batch in ms (from /proc, in 10 ms ticks: steadier than wall-clock figures when the machine is shared):\n");
  say(markdownTable(CPU_COLUMNS, rows.map(cpuRow)));
  const atTarget = rows.filter((r) => r.concurrency === TARGETS.concurrency);
  if (atTarget.length) say(`\nTargets at ${TARGETS.concurrency} agents: throughput ≥ ${TARGETS.ratio * 100}% of raw, p99 < ${TARGETS.p99Ms} ms`);
  for (const at of atTarget) {
    const ratio = at.eventsPerSecond / at.rawRowsPerSecond;
    say(`  via ${at.path.padEnd(12)} ${(ratio * 100).toFixed(1)}% of raw → ${ratio >= TARGETS.ratio ? "met" : "MISSED"};`
      + ` p99 ${at.p99.toFixed(1)} ms → ${at.p99 < TARGETS.p99Ms ? "met" : "MISSED"}`);
  }
}
