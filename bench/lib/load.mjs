// Drives simulated agents against an upload route. Two shapes of load:
// - closed loop (runAgents): each agent sends its next batch as soon as the previous one was
//   answered, the way a backlog of offline batches is flushed: this measures throughput;
// - open loop (runSchedule): each agent sends its batches on its own clock, one every `intervalMs`
//   from a random phase, whether or not earlier ones were answered — the way agents upload their
//   10-minute batches as the day goes on, with time compressed: this measures latency at a load.
// Latency is per request, from the start of fetch to the parsed body.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { newAgentTimeline, tenMinuteBatch } from "./batch.mjs";

/** Where a batch goes and how its answer is counted. */
export const INGEST = {
  path: () => "/api/v1/agent/batches",
  headers: (agent) => ({ authorization: `Bearer ${agent.deviceToken}` }),
  /** Per-item statuses; anything but `stored` is reported. */
  count(body, counts, report) {
    if (!Array.isArray(body?.results)) return false;
    for (const r of body.results) {
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status === "rejected") report(`rejected ${r.code} ${r.detail}`);
    }
    return true;
  },
};

/** The bare Durable Object route of bench/bench-worker.ts; `object` names the object the rows go to. */
export const bareRoute = (object) => ({
  path: () => `/bench/raw-batch?object=${encodeURIComponent(object)}`,
  headers: (agent) => ({ "x-bench-agent": `agent-${agent.index}` }),
  count(body, counts) {
    if (!Number.isInteger(body?.rows)) return false;
    counts.stored += body.rows;
    return true;
  },
});

async function sendBatch(baseUrl, route, agent, body) {
  const payload = JSON.stringify(body);
  const started = performance.now();
  const res = await fetch(`${baseUrl}${route.path()}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...route.headers(agent) },
    body: payload,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const latencyMs = performance.now() - started;
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* reported below as an error */ }
  return { status: res.status, body: parsed, text, latencyMs };
}

function tally() {
  const latencies = [];
  const counts = { stored: 0, duplicate: 0, rejected: 0 };
  const errors = [];
  return {
    latencies, counts, errors,
    record(route, agent, round, res) {
      latencies.push(res.latencyMs);
      const report = (msg) => { if (errors.length < 20) errors.push(`agent ${agent.index} round ${round}: ${msg}`); };
      if (res.status !== 200 || !route.count(res.body, counts, report)) report(`HTTP ${res.status} ${res.text.slice(0, 200)}`);
    },
  };
}

/** Closed loop: rounds [fromRound, toRound) for every agent; latencies, counts and the wall time. */
export async function runAgents(baseUrl, agents, fromRound, toRound, route = INGEST) {
  const t = tally();
  const started = performance.now();
  await Promise.all(agents.map(async (agent) => {
    agent.timeline ??= newAgentTimeline(agent.window ?? agent.index);
    for (let round = fromRound; round < toRound; round++) {
      t.record(route, agent, round, await sendBatch(baseUrl, route, agent, tenMinuteBatch(agent.timeline, round)));
    }
  }));
  return { latencies: t.latencies, counts: t.counts, errors: t.errors, wallMs: performance.now() - started };
}

/** Open loop: every agent sends rounds [fromRound, toRound) one `intervalMs` apart, from a random phase. */
export async function runSchedule(baseUrl, agents, fromRound, toRound, intervalMs, route = INGEST) {
  const t = tally();
  const started = performance.now();
  await Promise.all(agents.map(async (agent) => {
    agent.timeline ??= newAgentTimeline(agent.window ?? agent.index);
    const phase = Math.random() * intervalMs;
    const sends = [];
    for (let round = fromRound; round < toRound; round++) {
      const due = started + phase + (round - fromRound) * intervalMs;
      await sleep(Math.max(0, due - performance.now()));
      sends.push(sendBatch(baseUrl, route, agent, tenMinuteBatch(agent.timeline, round)).then((res) => t.record(route, agent, round, res)));
    }
    await Promise.all(sends);
  }));
  return { latencies: t.latencies, counts: t.counts, errors: t.errors, wallMs: performance.now() - started };
}
