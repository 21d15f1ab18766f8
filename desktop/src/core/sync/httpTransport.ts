/**
 * One HTTP exchange on node:http / node:https, for the API client. Not fetch: Node's fetch is undici,
 * which adds ~9 MB to the agent's resident memory the first time it is used (41 → 50 MB measured on
 * Node 20), a tenth of the agent's 80 MB budget, for a handful of small requests a minute.
 *
 * What fetch did for the client and is done here instead:
 * - the deadline covers the whole exchange, connecting to the last byte of the answer;
 * - redirects are never followed (the agent endpoints never redirect, and following one could carry
 *   the device token elsewhere): a 3xx other than 304 fails like an unreachable server, as before;
 * - failures become NetworkError with the same kinds (refused, timeout, aborted, unreachable).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Agent as HttpsAgentType } from "node:https";
import { NetworkError, ProtocolError, toNetworkError } from "./apiErrors";
import { linkedSignal } from "./linkedSignal";

export interface HttpExchange {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The caller's signal: when it fires the request is cancelled ("aborted"). */
  signal?: AbortSignal;
  /** The whole exchange, including reading the answer ("timeout"). */
  timeoutMs: number;
}

/** An answer read in full (they are small: the largest is the settings document or a batch's per-item results). */
export interface HttpAnswer {
  status: number;
  statusText: string;
  /** A response header by its (case-insensitive) name, or null. */
  header(name: string): string | null;
  text: string;
}

/** Far above any real answer; only a broken or hostile server reaches it, and the agent's memory stays bounded. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * One connection pool per scheme for the whole process: the agent talks to one server, a heartbeat
 * may overlap an upload (2 sockets), and one idle socket is kept for the next request. Idle sockets
 * close after 4 s, under the 5 s keep-alive of common servers, so the agent rarely reuses a socket
 * the server is closing; when it does, the request is retried once on a new one (see send).
 */
const POOL = { keepAlive: true, maxSockets: 2, maxFreeSockets: 1, timeout: 4_000 };
let httpAgent: HttpAgent | null = null;
let httpsAgent: HttpsAgentType | null = null;

/** Sends one request and reads its whole answer; any HTTP status is an answer, only a failure to get one throws. */
export async function send(url: URL, x: HttpExchange): Promise<HttpAnswer> {
  const link = linkedSignal(x.signal, x.timeoutMs);
  try {
    try {
      return await attempt(url, x, link.signal);
    } catch (e) {
      // A kept-alive socket reset before any answer: almost always the server closing it while idle, so
      // the request was not read. Sending again is safe either way (ingest is idempotent by item id).
      if (!(e instanceof StaleSocket) || link.signal.aborted) throw e;
      return await attempt(url, x, link.signal);
    }
  } catch (e) {
    if (e instanceof ProtocolError || e instanceof NetworkError) throw e;
    throw asNetworkError(e instanceof StaleSocket ? e.cause : e, x.signal);
  } finally {
    link.dispose();
  }
}

/**
 * toNetworkError reads a failure the way fetch reports it: an abort by its name, a socket error as
 * the `cause` of a TypeError. node:http gives the socket error itself (code ECONNREFUSED, ETIMEDOUT…),
 * so it is wrapped the same way; the original stays reachable as the NetworkError's cause chain.
 */
function asNetworkError(e: unknown, callerSignal: AbortSignal | undefined): NetworkError {
  const name = (e as { name?: string } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") return toNetworkError(e, callerSignal);
  return toNetworkError(new Error((e as Error | null)?.message ?? String(e), { cause: e }), callerSignal);
}

/** The reset of a reused idle socket before any answer arrived: safe to send again once. */
class StaleSocket extends Error {
  constructor(cause: unknown) {
    super("A kept-alive connection was closed by the server.", { cause });
  }
}

async function attempt(url: URL, x: HttpExchange, signal: AbortSignal): Promise<HttpAnswer> {
  signal.throwIfAborted();
  const https = url.protocol === "https:";
  // node:https (TLS) is loaded only when the server is https: a loopback http agent never pays for it.
  const tls = https ? await import("node:https") : null;
  const request = tls ? tls.request : httpRequest;
  const agent = tls ? (httpsAgent ??= new tls.Agent(POOL)) : (httpAgent ??= new HttpAgent(POOL));
  const headers: OutgoingHttpHeaders = { ...x.headers };
  if (x.body) headers["content-length"] = x.body.length;
  signal.throwIfAborted(); // the import above yielded

  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const settle = (err: unknown, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve(answer!);
      else {
        req.destroy();
        reject(err);
      }
    };
    // The signal is also given to request(), which destroys the socket; this settles the promise at
    // once with the signal's reason (a TimeoutError for the deadline), whatever stage the exchange is in.
    const onAbort = () => settle(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));

    const req = request(url, { method: x.method, headers, agent, signal });
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e: NodeJS.ErrnoException) => {
      const stale = !answered && req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE");
      settle(stale ? new StaleSocket(e) : e);
    });
    req.on("response", (res: IncomingMessage) => {
      answered = true;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304) {
        res.resume();
        return settle(new NetworkError("unreachable", `The server answered with a redirect (HTTP ${status}${res.headers.location ? ` to ${res.headers.location}` : ""}); the agent does not follow redirects.`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) return settle(new ProtocolError(`The server's answer is larger than ${MAX_ANSWER_BYTES} bytes.`));
        chunks.push(c);
      });
      res.on("error", (e) => settle(e));
      res.on("aborted", () => settle(Object.assign(new Error("The connection closed before the whole answer arrived."), { code: "ECONNRESET" })));
      res.on("end", () => {
        if (settled) return;
        decode(Buffer.concat(chunks), res.headers["content-encoding"])
          .then((body) => settle(undefined, {
            status,
            statusText: res.statusMessage ?? "",
            header: (name) => headerValue(res, name),
            text: body.toString("utf8"),
          }))
          .catch((e: unknown) => settle(new ProtocolError(`The server's answer cannot be decoded (${(e as Error).message}).`)));
      });
    });
    req.end(x.body);
  });
}

/**
 * The client asks for identity encoding, so answers arrive as sent; a proxy that compresses anyway
 * is still understood. node:zlib is loaded only then.
 */
async function decode(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  const enc = (encoding ?? "identity").trim().toLowerCase();
  if (enc === "identity" || enc === "") return body;
  const zlib = await import("node:zlib");
  if (enc === "gzip" || enc === "x-gzip") return zlib.gunzipSync(body);
  if (enc === "deflate") return zlib.inflateSync(body);
  if (enc === "br") return zlib.brotliDecompressSync(body);
  throw new Error(`unknown content-encoding ${enc}`);
}

function headerValue(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name.toLowerCase()];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : v;
}
