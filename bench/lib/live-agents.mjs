// The live board benchmark's simulated agents: what each heartbeat says (the state machine below)
// and the open-loop load that sends them through POST /api/v1/agent/heartbeat.
//
// Every agent heartbeats once every `agents / rate` seconds from a random phase, whether or not the
// previous one was answered, so the aggregate rate is steady. Each heartbeat is one step of a
// member's day, as the desktop agent reports it (desktop/src/core/presence.ts):
//   tracking → tracking, another app or window (most heartbeats)   "app"
//            → the other project (a new entry, maybe a task)       "switch"
//            → another task on the same project (a new entry)      "task"
//            → idle (same entry, no app)                           "idle"
//            → stopped (no entry, no app)                          "stop"
//   idle     → tracking again (same entry)                         "resume"
//            → still idle                                           "idle"
//            → stopped                                              "stop"
//   stopped  → tracking on one of the member's projects            "start"
//            → still stopped                                        "stopped"
// Every app title is unique (a counter), so every heartbeat changes the member's row. A heartbeat is
// identified on the viewers' side by the member's `lastSeenAt`, which the object sets to the
// heartbeat's `receivedAt` (the answer tells us).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { post } from "./live-http.mjs";
import { pool } from "./live-setup.mjs";

/** The Worker's per-device limit (worker/services/tracking/rateLimit.ts AGENT_LIMITS.heartbeat). */
export const HEARTBEATS_PER_DEVICE_MINUTE = 20;
/**
 * The shortest interval per agent that stays under that limit in every clock-aligned minute, with
 * room for the warm-up heartbeat and for the next run starting from a new phase: 60 s / 20 = 3 s,
 * plus margin.
 */
export const MIN_INTERVAL_MS = 3_500;

const APPS = [
  { name: "Code", title: (n) => `live.mjs — worktrail (${n})`, url: () => null },
  { name: "Firefox", title: (n) => `Pull request #${n} · acme/app`, url: (n) => `https://github.com/acme/app/pull/${n}` },
  { name: "Slack", title: (n) => `#engineering — ${n} new`, url: () => null },
  { name: "Terminal", title: (n) => `npm test (${n})`, url: () => null },
  { name: "Figma", title: (n) => `Board redesign v${n}`, url: (n) => `https://www.figma.com/file/${n}/board` },
];

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** One member's agent as the board sees it; `projectId` is the board row's (kept when stopped). */
export class SimulatedAgent {
  constructor(agent) {
    this.agent = agent;
    this.state = "stopped";
    this.entry = null;
    this.projectId = null;
    this.counter = 0;
  }

  newEntry(project) {
    const taskId = project.taskIds.length && Math.random() < 0.7 ? pick(project.taskIds) : null;
    this.entry = { id: randomUUID(), start: new Date().toISOString(), projectId: project.id, taskId };
    this.projectId = project.id;
  }

  app() {
    const a = pick(APPS);
    const n = `${this.agent.index}.${++this.counter}`;
    return { name: a.name, title: a.title(n), url: a.url(n) };
  }

  /** The first heartbeat (not measured): most members are tracking, some are not. */
  warmUp() {
    if (Math.random() < 0.85) {
      this.state = "tracking";
      this.newEntry(pick(this.agent.projects));
    }
    return this.body(this.state === "tracking" ? this.app() : null);
  }

  /** The next step of the member's day: the heartbeat body, its kind and the board project before and after. */
  step() {
    const projectBefore = this.projectId;
    const r = Math.random();
    let kind;
    let app = null;
    if (this.state === "tracking") {
      if (r < 0.06) kind = "stop";
      else if (r < 0.12) kind = "idle";
      else if (r < 0.22) kind = "switch";
      else if (r < 0.27) kind = "task";
      else kind = "app";
    } else if (this.state === "idle") {
      kind = r < 0.5 ? "resume" : r < 0.7 ? "stop" : "idle";
    } else {
      kind = r < 0.8 ? "start" : "stopped";
    }
    switch (kind) {
      case "stop":
        this.state = "stopped";
        this.entry = null;
        break;
      case "idle":
        this.state = "idle";
        break;
      case "switch":
        this.newEntry(this.agent.projects.find((p) => p.id !== this.projectId) ?? this.agent.projects[0]);
        app = this.app();
        break;
      case "task":
        this.newEntry(this.agent.projects.find((p) => p.id === this.projectId) ?? this.agent.projects[0]);
        app = this.app();
        break;
      case "start":
        this.state = "tracking";
        this.newEntry(pick(this.agent.projects));
        app = this.app();
        break;
      case "resume":
        this.state = "tracking";
        app = this.app();
        break;
      case "app":
        app = this.app();
        break;
      default: // still stopped: a presence heartbeat
        break;
    }
    return { kind, projectBefore, projectAfter: this.projectId, body: this.body(app) };
  }

  body(app) {
    return { at: new Date().toISOString(), state: this.state, entry: this.entry, app };
  }
}

async function postHeartbeat(baseUrl, agent, body) {
  const res = await post(`${baseUrl}/api/v1/agent/heartbeat`, JSON.stringify(body), { authorization: `Bearer ${agent.deviceToken}` });
  let json = null;
  try { json = JSON.parse(res.text); } catch { /* reported below */ }
  if (res.status !== 200 || typeof json?.receivedAt !== "number") throw new Error(`heartbeat of agent ${agent.index} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return json;
}

/** Every agent's first heartbeat, so every member has a row and a project before measuring. */
export async function warmUpAgents(baseUrl, sims) {
  await pool(sims, 8, (sim) => postHeartbeat(baseUrl, sim.agent, sim.warmUp()));
}

/**
 * The open-loop load: `rate` heartbeats a second in all for `seconds`. Resolves with one record per
 * heartbeat, in the order sent: { memberId, kind, sentAt (performance.now() before the request),
 * receivedAt (server ms; null: the request failed), latencyMs (the HTTP answer), projectBefore,
 * projectAfter, setsProject }, plus the errors.
 */
export async function runHeartbeats(baseUrl, sims, { rate, seconds }) {
  const intervalMs = (sims.length / rate) * 1000;
  const rounds = Math.floor((seconds * 1000) / intervalMs);
  const sent = [];
  const errors = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(sims.map(async (sim) => {
    const phase = Math.random() * intervalMs;
    const inFlight = [];
    for (let round = 0; round < rounds; round++) {
      await sleep(Math.max(0, started + phase + round * intervalMs - performance.now()));
      const { kind, projectBefore, projectAfter, body } = sim.step();
      // setsProject: the heartbeat names the running entry, so after it the board's project is projectAfter whatever came before.
      const rec = {
        memberId: sim.agent.memberId, kind, projectBefore, projectAfter, setsProject: body.entry !== null,
        sentAt: performance.now(), receivedAt: null, latencyMs: null,
      };
      sent.push(rec);
      inFlight.push(postHeartbeat(baseUrl, sim.agent, body).then(
        (answer) => { rec.receivedAt = answer.receivedAt; rec.latencyMs = performance.now() - rec.sentAt; },
        (err) => { failed++; if (errors.length < 20) errors.push(`${err.message}${err.code ? ` (${err.code})` : ""}`); },
      ));
    }
    await Promise.all(inFlight);
  }));
  return { sent, errors, failed, intervalMs, wallMs: performance.now() - started };
}
