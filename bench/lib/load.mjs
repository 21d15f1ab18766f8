// Drives N simulated agents at once against POST /api/v1/agent/batches. Each agent is a closed
// loop: it sends its next batch as soon as the previous one was answered, the way a backlog of
// offline batches is flushed. Latency is per request, from the start of fetch to the parsed body.
import { performance } from "node:perf_hooks";
import { newAgentTimeline, tenMinuteBatch } from "./batch.mjs";

async function sendBatch(baseUrl, agent, body) {
  const payload = JSON.stringify(body);
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/v1/agent/batches`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${agent.deviceToken}` },
    body: payload,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const latencyMs = performance.now() - started;
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* reported below as an error */ }
  return { status: res.status, body: parsed, text, latencyMs };
}

/** Rounds [fromRound, toRound) for every agent; returns latencies, counts and the wall time. */
export async function runAgents(baseUrl, agents, fromRound, toRound) {
  const latencies = [];
  const counts = { stored: 0, duplicate: 0, rejected: 0 };
  const errors = [];
  const started = performance.now();
  await Promise.all(agents.map(async (agent) => {
    agent.timeline ??= newAgentTimeline(agent.index);
    for (let round = fromRound; round < toRound; round++) {
      const res = await sendBatch(baseUrl, agent, tenMinuteBatch(agent.timeline, round));
      latencies.push(res.latencyMs);
      if (res.status !== 200 || !Array.isArray(res.body?.results)) {
        errors.push(`agent ${agent.index} round ${round}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        continue;
      }
      for (const r of res.body.results) {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (r.status === "rejected" && errors.length < 20) errors.push(`agent ${agent.index} round ${round}: rejected ${r.code} ${r.detail}`);
      }
    }
  }));
  return { latencies, counts, errors, wallMs: performance.now() - started };
}
