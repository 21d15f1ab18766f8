// wrangler dev keeps a DevTools session open on the Worker's runtime with the Network domain
// enabled, so every subrequest the Worker makes (each D1 query is one under wrangler dev) is
// reported, bodies included, through the dev proxy to wrangler's Node process. That costs about as
// much CPU as the Worker itself, and under load the reports queue up and keep the machine busy after
// the requests are answered. DevTools clients share that session through wrangler's inspector port,
// so Network.disable / Network.enable sent there switch the reporting off and on again.
import WebSocket from "ws";

/** Switches wrangler's per-subrequest reporting; a few attempts, as the inspector may be busy. */
export async function setNetworkInspection(inspectorPort, enabled, attempts = 3) {
  const method = enabled ? "Network.enable" : "Network.disable";
  for (let i = 1; ; i++) {
    try {
      return await send(inspectorPort, method);
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function send(inspectorPort, method, timeoutMs = 10_000) {
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`);
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from the inspector on port ${inspectorPort}`)), timeoutMs);
      ws.once("error", (err) => { clearTimeout(timer); reject(err); });
      ws.once("open", () => ws.send(JSON.stringify({ id: 1, method, params: {} })));
      ws.on("message", (data) => {
        let msg = null;
        try { msg = JSON.parse(String(data)); } catch { /* not JSON: ignore */ }
        if (msg?.id !== 1) return;
        clearTimeout(timer);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve();
      });
    });
  } finally {
    ws.close();
  }
}
