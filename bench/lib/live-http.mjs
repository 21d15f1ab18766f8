// The live benchmark's HTTP requests (heartbeats, broadcasts) on node:http with keep-alive.
//
// Not fetch: workerd closes a connection after 5 s idle, and fetch (undici) keeps idle connections
// for about 4 s, so under a bursty open-loop load it regularly reuses a connection just as workerd
// closes it, and the request fails with ECONNRESET. This agent drops its idle connections after 2 s,
// well before the server does.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, timeout: 2_000 });

/** POSTs `body` (a string) and resolves with the status and the answer's text; rejects on network errors and after `timeoutMs`. */
export function post(url, body, headers = {}, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => { clearTimeout(timer); resolve({ status: res.statusCode, text }); });
      res.on("error", (err) => { clearTimeout(timer); reject(err); });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (err) => { clearTimeout(timer); reject(err); });
    req.end(body);
  });
}
