// The live board benchmark's measurements on one path:
// - live: the board sockets open, the agents heartbeat at the offered rate, and every (heartbeat,
//   viewer that should see it) pair is matched to the frame that reflects it;
// - bare: the same number of sockets on the echo object, one broadcast per heartbeat at the same
//   rate, every socket receiving every message (the platform's fan-out, nothing of ours);
// - the same two request streams with no socket open, so the CPU of the requests themselves can be
//   told apart from the fan-out's.
// CPU is the server processes' (lib/cpu.mjs) over the load and a short tail; the Worker's workerd
// runs the Worker and both Durable Objects.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuDelta, settle } from "./cpu.mjs";
import { runHeartbeats, warmUpAgents } from "./live-agents.mjs";
import { post } from "./live-http.mjs";
import { VIEWER_CLASSES } from "./live-setup.mjs";
import { closeAll, openBoardSockets, openEchoSockets } from "./live-viewers.mjs";

/** After the last request: time for the last frames to arrive before the counts are taken. */
const TAIL_MS = 2_000;

/** Sorted copy for percentiles of large arrays (typed: a numeric sort without a comparator). */
function stats(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] : NaN);
  return { count: sorted.length, p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/** What a socket must receive for heartbeat `hb`: the member's row ("row"), its removal ("remove"), or nothing. */
export function expectation(sees, hb) {
  if (sees.all) return "row";
  if (sees.members) return sees.members.has(hb.memberId) ? "row" : null;
  if (hb.projectAfter !== null && sees.projects.has(hb.projectAfter)) return "row";
  if (hb.projectBefore !== null && sees.projects.has(hb.projectBefore)) return "remove";
  return null;
}

/** Rows a member-scoped socket received for members outside its scope (must be 0). */
function outOfScopeRows(socket) {
  if (socket.sees.projects) return 0; // who is on a project changes during the run: not checked here
  let n = 0;
  for (const id of socket.rec.rows.keys()) if (!socket.sees.all && !socket.sees.members.has(id)) n++;
  return n;
}

/**
 * Matches every answered heartbeat to the frame each socket that should see it received.
 *
 * After a failed heartbeat nobody knows whether it reached the object, so the member's board
 * project is unknown until a later heartbeat names the running entry: meanwhile the pairs of
 * project-scoped sockets that depend on it are not checked (counted as `unchecked`).
 */
function matchBoard(sent, sockets) {
  const byClass = new Map(VIEWER_CLASSES.map((c) => [c, { latencies: [], misses: 0 }]));
  const all = [];
  const fromReceipt = [];
  let misses = 0;
  let unchecked = 0;
  const missExamples = [];
  const projectUnknown = new Set();
  for (const hb of sent) {
    if (hb.receivedAt === null) {
      projectUnknown.add(hb.memberId);
      continue;
    }
    const unknownBefore = projectUnknown.has(hb.memberId);
    const unknownAfter = unknownBefore && !hb.setsProject;
    if (hb.setsProject) projectUnknown.delete(hb.memberId);
    for (const s of sockets) {
      const exp = expectation(s.sees, hb);
      const dependsOnProject = Boolean(s.sees.projects);
      if (dependsOnProject && (unknownAfter || (exp === "remove" && unknownBefore))) {
        unchecked++;
        continue;
      }
      if (!exp) continue;
      const at = exp === "row" ? s.rec.rowArrival(hb.memberId, hb.receivedAt) : s.rec.removeArrival(hb.memberId, hb.sentAt);
      const c = byClass.get(s.cls);
      if (at === null) {
        misses++;
        c.misses++;
        if (missExamples.length < 5) missExamples.push(`${s.cls} socket ${s.index} (${s.email}) never got ${exp} of ${hb.memberId} (${hb.kind})`);
        continue;
      }
      const ms = Math.max(0, at - hb.sentAt);
      all.push(ms);
      c.latencies.push(ms);
      // The same arrival on the wall clock, from the moment the Worker received the heartbeat (both
      // clocks are this machine's): the object's work, the fan-out and the delivery, without the
      // request's way in (HTTP, authentication, D1).
      fromReceipt.push(Math.max(0, performance.timeOrigin + at - hb.receivedAt));
    }
  }
  return { all, fromReceipt, byClass, misses, unchecked, missExamples };
}

/**
 * The board under load: one warm-up heartbeat per agent, the sockets opened, then `rate` heartbeats
 * a second for `seconds`. Returns latencies (overall and per viewer class), misses, frames and CPU.
 * `hooks.beforeLoad` / `hooks.afterLoad` run around the load itself (the optional CPU profile).
 */
export async function measureLive({ path, workspaceId, plan, sims, rate, seconds, cpu, hooks = {} }) {
  // Members first, so that each socket's snapshot carries the board as a viewer finds it.
  await warmUpAgents(path.url, sims);
  const openStarted = performance.now();
  const sockets = await openBoardSockets(path.url, workspaceId, plan);
  const openMs = performance.now() - openStarted;
  await settle(cpu);
  await hooks.beforeLoad?.();
  for (const s of sockets) s.rec.counting = true;
  const cpuBefore = cpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const load = await runHeartbeats(path.url, sims, { rate, seconds });
  await sleep(TAIL_MS);
  const server = cpuDelta(cpuBefore, cpu());
  const client = process.cpuUsage(clientBefore);
  const wallMs = performance.now() - started;
  await hooks.afterLoad?.();
  for (const s of sockets) s.rec.counting = false;

  const m = matchBoard(load.sent, sockets);
  const frames = sockets.reduce((n, s) => n + s.rec.frames, 0);
  const bytes = sockets.reduce((n, s) => n + s.rec.bytes, 0);
  const leaks = sockets.reduce((n, s) => n + outOfScopeRows(s), 0);
  const snapshots = sockets.map((s) => s.rec.snapshot);
  const classes = VIEWER_CLASSES.map((cls) => {
    const of = sockets.filter((s) => s.cls === cls);
    const c = m.byClass.get(cls);
    return {
      cls, people: new Set(of.map((s) => s.email)).size, sockets: of.length,
      framesPerSocket: of.reduce((n, s) => n + s.rec.frames, 0) / Math.max(of.length, 1),
      snapshotMembers: of.reduce((n, s) => n + s.rec.snapshot.members, 0) / Math.max(of.length, 1),
      misses: c.misses, ...stats(c.latencies),
    };
  });
  await closeAll(sockets);
  const kinds = {};
  for (const hb of load.sent) kinds[hb.kind] = (kinds[hb.kind] ?? 0) + 1;
  return {
    path: path.name, sockets: sockets.length, agents: sims.length, heartbeats: load.sent.length, kinds,
    failed: load.failed, errors: load.errors,
    offeredRate: rate, intervalMs: load.intervalMs, wallMs, loadMs: load.wallMs, openMs,
    heartbeatHttp: stats(load.sent.flatMap((h) => (h.latencyMs === null ? [] : [h.latencyMs]))),
    latency: stats(m.all), fromReceipt: stats(m.fromReceipt), misses: m.misses, unchecked: m.unchecked, missExamples: m.missExamples, leaks, classes,
    frames, bytes, avgFrameBytes: bytes / Math.max(frames, 1), messagesPerSecond: (frames * 1000) / load.wallMs,
    snapshotBytes: stats(snapshots.map((s) => s.bytes)),
    cpu: server, clientCpuMs: (client.user + client.system) / 1000,
  };
}

/** A broadcast of `bytes` characters whose number the echo sockets read from its start. */
function broadcastText(n, bytes) {
  const head = `{"n":${n},"pad":"`;
  return `${head}${"x".repeat(Math.max(0, bytes - head.length - 2))}"}`;
}

/** Open loop: broadcast n at started + n / rate seconds; resolves with the send times and errors. */
async function runBroadcasts(url, { rate, count, bytes }) {
  const sendAt = new Float64Array(count);
  const errors = [];
  let failed = 0;
  const answers = [];
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    await sleep(Math.max(0, started + (n * 1000) / rate - performance.now()));
    sendAt[n] = performance.now();
    answers.push(post(url, broadcastText(n, bytes)).then(
      (res) => {
        if (res.status === 200) return;
        failed++;
        if (errors.length < 20) errors.push(`broadcast ${n}: HTTP ${res.status} ${res.text.slice(0, 100)}`);
      },
      (err) => { failed++; if (errors.length < 20) errors.push(`broadcast ${n}: ${err.message}${err.code ? ` (${err.code})` : ""}`); },
    ));
  }
  await Promise.all(answers);
  return { sendAt, errors, failed, wallMs: performance.now() - started };
}

/**
 * The bare fan-out: `count` sockets on a fresh echo object, `rate` broadcasts a second of `bytes`
 * characters (the live run's average frame) for `seconds`; each socket should get every broadcast.
 */
export async function measureBare({ path, count, rate, seconds, bytes, cpu }) {
  const broadcasts = Math.floor(rate * seconds);
  const object = `bare-${path.name}-${Date.now()}`;
  const openStarted = performance.now();
  const sockets = await openEchoSockets(path.url, object, count, broadcasts);
  const openMs = performance.now() - openStarted;
  await settle(cpu);
  const cpuBefore = cpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const run = await runBroadcasts(`${path.url}/bench/echo?object=${encodeURIComponent(object)}`, { rate, count: broadcasts, bytes });
  await sleep(TAIL_MS);
  const server = cpuDelta(cpuBefore, cpu());
  const client = process.cpuUsage(clientBefore);
  const wallMs = performance.now() - started;
  const latencies = new Float64Array(count * broadcasts);
  let k = 0;
  let misses = 0;
  for (const s of sockets) {
    for (let n = 0; n < broadcasts; n++) {
      if (s.arrivals[n] === 0) misses++;
      else latencies[k++] = Math.max(0, s.arrivals[n] - run.sendAt[n]);
    }
  }
  const frames = sockets.reduce((n, s) => n + s.frames, 0);
  await closeAll(sockets);
  return {
    path: path.name, sockets: count, broadcasts, failed: run.failed, errors: run.errors, wallMs, loadMs: run.wallMs, openMs, latency: stats(latencies.subarray(0, k)), misses,
    frames, avgFrameBytes: sockets.reduce((n, s) => n + s.bytes, 0) / Math.max(frames, 1), messagesPerSecond: (frames * 1000) / run.wallMs,
    cpu: server, clientCpuMs: (client.user + client.system) / 1000,
  };
}

/** The heartbeats alone (no board socket open): the Worker's CPU per heartbeat without any fan-out. */
export async function measureHeartbeatsAlone({ path, sims, rate, seconds, cpu }) {
  await settle(cpu);
  const cpuBefore = cpu();
  const load = await runHeartbeats(path.url, sims, { rate, seconds });
  await sleep(TAIL_MS);
  const server = cpuDelta(cpuBefore, cpu());
  return { requests: load.sent.length - load.failed, failed: load.failed, errors: load.errors, cpu: server };
}

/** The broadcasts alone (no echo socket open): the Worker's CPU per POST /bench/echo without any fan-out. */
export async function measureBroadcastsAlone({ path, rate, seconds, bytes, cpu }) {
  await settle(cpu);
  const cpuBefore = cpu();
  const count = Math.floor(rate * seconds);
  const run = await runBroadcasts(`${path.url}/bench/echo?object=${encodeURIComponent(`alone-${path.name}-${Date.now()}`)}`, { rate, count, bytes });
  await sleep(TAIL_MS);
  const server = cpuDelta(cpuBefore, cpu());
  return { requests: count - run.failed, failed: run.failed, errors: run.errors, cpu: server };
}
