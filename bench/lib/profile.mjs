// Optional V8 CPU profile of the Worker's isolate (the Worker and its Durable Objects; not the D1
// simulator, which runs in an isolate of its own) during one benchmark level, through wrangler's
// inspector port. BENCH_PROFILE=<file.cpuprofile> turns it on; the file opens in Chrome DevTools,
// and the top self-time functions are printed.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

export async function startProfile(inspectorPort) {
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`);
  await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
  let id = 100;
  const pending = new Map();
  ws.on("message", (data) => {
    let msg = null;
    try { msg = JSON.parse(String(data)); } catch { return; }
    const p = pending.get(msg?.id);
    if (p) { pending.delete(msg.id); msg.error ? p.reject(new Error(msg.error.message)) : p.resolve(msg.result); }
  });
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const n = ++id;
    pending.set(n, { resolve, reject });
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return async function stop(file) {
    const { profile } = await call("Profiler.stop");
    ws.close();
    writeFileSync(file, JSON.stringify(profile));
    return summarize(profile);
  };
}

/** Self time per function (name + file:line), as shares of the non-idle samples, top 30. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const self = new Map();
  let busy = 0;
  for (const [nodeId, c] of counts) {
    const f = byId.get(nodeId).callFrame;
    if (f.functionName === "(idle)" || f.functionName === "(program)") continue;
    busy += c;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(app|node_modules)\//, "$1/")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + c);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, c]) => `${((c / busy) * 100).toFixed(1).padStart(5)}%  ${k}`).join("\n");
}
