/**
 * The sync client against a real HTTP server on 127.0.0.1 that injects faults: the API client's
 * parsing and errors, the back-off, and the uploader's acknowledgement rules with the real encrypted
 * queue underneath.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { v7 } from "uuid";
import { ScreenshotMeta } from "../../worker/contract/screenshots";
import { RecordQueue } from "../src/core/queue/queue";
import { ApiClient } from "../src/core/sync/apiClient";
import { ApiError, NetworkError, parseRetryAfter, ProtocolError } from "../src/core/sync/apiErrors";
import { Backoff } from "../src/core/sync/backoff";
import { defaultSleep, Uploader, type UploadEvent, type UploaderOptions } from "../src/core/sync/uploader";
import { idOf, memoryKeyStore, screenshot, tempDir, timeEntry, usage } from "./queueFixtures";
import { batchAnswer, FakeServer, freePort, settingsDoc, waitFor, type Handler, type Reply, type SeenRequest } from "./syncFakeServer";

const servers: FakeServer[] = [];
const uploaders: Uploader[] = [];
const queues: RecordQueue[] = [];
afterEach(async () => {
  await Promise.all(uploaders.splice(0).map((u) => u.dispose()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(handler: Handler, port = 0): Promise<FakeServer> {
  const s = new FakeServer(handler);
  servers.push(s);
  return s.start(port);
}

const batchIds = (reqs: SeenRequest[]) => reqs.filter((r) => r.path === "/api/v1/agent/batches").flatMap((r) => (r.json().items as { id: string }[]).map((i) => i.id));

/** A queue with records, an ApiClient for `url`, and an Uploader whose waits are shortened (the asked-for delays are recorded). */
async function rig(url: string, opts: Partial<UploaderOptions> = {}) {
  const keyStore = memoryKeyStore();
  const dir = await tempDir();
  const queue = await RecordQueue.open({ dir, keyStore });
  queues.push(queue);
  const signedOut: ApiError[] = [];
  const api = new ApiClient({ server: url, token: "wtd_test", timeoutMs: 2000, onSignedOut: (e) => signedOut.push(e) });
  const events: UploadEvent[] = [];
  const slept: number[] = [];
  const uploader = new Uploader({
    queue, api, coalesceMs: 0, pollMs: 50,
    sleep: (ms, signal) => {
      slept.push(ms);
      // Back-off waits are cut short (their length is what the tests check); an hour-long idle poll is kept, so only an append wakes it.
      return defaultSleep(ms >= 3600_000 ? ms : Math.min(ms, 10), signal);
    },
    onEvent: (e) => events.push(e),
    ...opts,
  });
  uploaders.push(uploader);
  const retries = () => events.filter((e): e is Extract<UploadEvent, { type: "retrying" }> => e.type === "retrying");
  return { queue, api, uploader, events, slept, retries, signedOut, dir, keyStore };
}

describe("ApiClient", () => {
  it("refuses plain http except to this machine", () => {
    expect(() => new ApiClient({ server: "http://worktrail.example.com" })).toThrow(/Refusing plain http/);
    expect(() => new ApiClient({ server: "ftp://worktrail.example.com" })).toThrow(/https/);
    expect(new ApiClient({ server: "http://127.0.0.1:8787" }).server).toBe("http://127.0.0.1:8787/");
    expect(new ApiClient({ server: "http://localhost:8787/base" }).server).toBe("http://localhost:8787/base/");
    expect(new ApiClient({ server: "http://lan-box:8787", allowInsecureHttp: true }).server).toBe("http://lan-box:8787/");
  });

  it("registers without a token and sends the token to the agent endpoints", async () => {
    const s = await serve((req) => req.path === "/api/v1/agent/register"
      ? { status: 201, json: { deviceId: "d", deviceToken: "wtd_new", workspaceId: "w", memberId: "m" } }
      : { status: 200, json: { receivedAt: Date.now(), clockOffsetMs: -4200 } });
    const api = new ApiClient({ server: s.url });
    const device = { name: "Ada's laptop", os: "Linux", agentVersion: "1.0.0" };
    const reg = await api.register({ code: "ABCD2345", device });
    expect(reg.deviceToken).toBe("wtd_new");
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
    expect(s.requests[0]!.json()).toEqual({ code: "ABCD2345", device });

    await expect(api.heartbeat({ at: new Date().toISOString(), state: "tracking" })).rejects.toMatchObject({ status: 401, code: "invalid_device_token" });
    expect(s.requests).toHaveLength(1); // not sent at all without a token
    api.setToken(reg.deviceToken);
    await api.heartbeat({ at: "2026-01-05T09:30:00.000Z", state: "tracking" });
    expect(s.requests[1]!.headers.authorization).toBe("Bearer wtd_new");
    expect(s.requests[1]!.json()).toEqual({ at: "2026-01-05T09:30:00.000Z", state: "tracking" });
    expect(api.clockOffsetMs).toBe(-4200);
  });

  it("fetches settings with the ETag and understands 304", async () => {
    const doc = settingsDoc(3);
    const s = await serve((req) => req.headers["if-none-match"] === '"3-abc"'
      ? { status: 304, headers: { etag: '"3-abc"' } }
      : { status: 200, json: doc, headers: { etag: '"3-abc"' } });
    const api = new ApiClient({ server: s.url, token: "wtd_x" });
    const first = await api.settings(null);
    expect(first).toEqual({ notModified: false, etag: '"3-abc"', settings: doc });
    expect(s.requests[0]!.headers["if-none-match"]).toBeUndefined();
    expect(await api.settings('"3-abc"')).toEqual({ notModified: true, etag: '"3-abc"' });
  });

  it("turns problem+json into ApiError with code and Retry-After, and reports a revoked device as signed out", async () => {
    const replies: Reply[] = [
      { status: 429, problem: { code: "rate_limited", detail: "Too many." }, headers: { "retry-after": "7" } },
      { status: 401, problem: { code: "device_token_expired", detail: "Sign in again." } },
      { status: 502, headers: { "content-type": "text/html" } },
      { status: 200, json: { hello: "world" } },
    ];
    const s = await serve(() => replies.shift()!);
    const signedOut: ApiError[] = [];
    const api = new ApiClient({ server: s.url, token: "wtd_x", onSignedOut: (e) => signedOut.push(e) });
    const hb = { at: new Date().toISOString(), state: "idle" as const };
    const e429 = await api.heartbeat(hb).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(ApiError);
    expect(e429).toMatchObject({ status: 429, code: "rate_limited", retryAfterMs: 7000, message: "Too many.", transient: true, signedOut: false });
    const e401 = await api.heartbeat(hb).catch((e: unknown) => e);
    expect(e401).toMatchObject({ status: 401, code: "device_token_expired", signedOut: true });
    expect(signedOut).toEqual([e401]);
    expect(await api.heartbeat(hb).catch((e: unknown) => e)).toMatchObject({ status: 502, code: "http_502", transient: true });
    expect(await api.heartbeat(hb).catch((e: unknown) => e)).toBeInstanceOf(ProtocolError);
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 0, 5, 9, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("reports a refused connection and a timeout as NetworkError", async () => {
    const down = new ApiClient({ server: `http://127.0.0.1:${await freePort()}`, token: "wtd_x" });
    expect(await down.uploadBatch([]).catch((e: unknown) => e)).toMatchObject({ name: "NetworkError", failure: "refused" });
    const s = await serve(() => ({ status: 200, hang: true }));
    const slow = new ApiClient({ server: s.url, token: "wtd_x", timeoutMs: 200 });
    const started = Date.now();
    const err = await slow.uploadBatch([]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).failure).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("uploads a screenshot as multipart the Worker's parser accepts", async () => {
    let seen: { meta: unknown; full: Buffer; thumb: Buffer } | null = null;
    const s = await serve(async (req) => {
      const form = await req.form();
      seen = {
        meta: JSON.parse(String(form.get("meta"))),
        full: Buffer.from(await (form.get("full") as Blob).arrayBuffer()),
        thumb: Buffer.from(await (form.get("thumb") as Blob).arrayBuffer()),
      };
      return { status: 201, json: { shotId: (seen.meta as { shotId: string }).shotId, status: "stored" } };
    });
    const shot = screenshot(3000);
    const api = new ApiClient({ server: s.url, token: "wtd_x" });
    expect(await api.uploadScreenshot(shot)).toEqual({ shotId: shot.shotId, status: "stored" });
    expect(String(s.requests[0]!.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    const meta = ScreenshotMeta.parse(seen!.meta);
    expect(meta).toMatchObject({ shotId: shot.shotId, takenAt: shot.takenAt, slotStart: shot.slotStart, display: 0, activity: 40, app: "XTerm", contentType: "image/jpeg" });
    expect(meta.sentAt).toBeDefined();
    expect(seen!.full.equals(Buffer.from(shot.full, "base64"))).toBe(true);
    expect(seen!.thumb.equals(Buffer.from(shot.thumb, "base64"))).toBe(true);
    expect(seen!.full.subarray(0, 4).toString()).toBe("WTS1");
  });
});

describe("ApiClient transport (node:http, no fetch)", () => {
  const hb = { at: "2026-01-05T09:30:00.000Z", state: "tracking" as const };
  const receipt = (): Reply => ({ status: 200, json: { receivedAt: Date.now(), clockOffsetMs: 0 } });

  it("refuses to follow a redirect, so the token never reaches the other address", async () => {
    const elsewhere = await serve(receipt);
    const s = await serve((req) => ({ status: 307, headers: { location: `${elsewhere.url}${req.path}` } }));
    const err = await new ApiClient({ server: s.url, token: "wtd_x" }).heartbeat(hb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ failure: "unreachable", message: expect.stringMatching(/redirect/) });
    expect(s.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("times out while the answer is still arriving, and reports a cancelled request as aborted", async () => {
    const s = await serve(() => ({ ...batchAnswerFor([]), stallMidBody: true }));
    const api = new ApiClient({ server: s.url, token: "wtd_x", timeoutMs: 300 });
    const started = Date.now();
    expect(await api.uploadBatch([]).catch((e: unknown) => e)).toMatchObject({ name: "NetworkError", failure: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);

    const hang = await serve(() => ({ status: 200, hang: true }));
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const cancelled = await new ApiClient({ server: hang.url, token: "wtd_x", timeoutMs: 5000 }).heartbeat(hb, ctrl.signal).catch((e: unknown) => e);
    expect(cancelled).toMatchObject({ name: "NetworkError", failure: "aborted" });
    // Already cancelled: nothing is sent.
    expect(await api.heartbeat(hb, AbortSignal.abort()).catch((e: unknown) => e)).toMatchObject({ failure: "aborted" });
    expect(s.requests).toHaveLength(1);
  });

  it("keeps the connection alive between requests and uses at most two at once", async () => {
    const s = await serve(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return receipt();
    });
    const api = new ApiClient({ server: s.url, token: "wtd_x" });
    for (let i = 0; i < 3; i++) await api.heartbeat(hb);
    expect(s.connections).toBe(1);
    await Promise.all(Array.from({ length: 5 }, () => api.heartbeat(hb)));
    expect(s.requests).toHaveLength(8);
    expect(s.connections).toBeLessThanOrEqual(2);
  });

  it("sends again once on a new connection when the server dropped a kept-alive one, but not a fresh one", async () => {
    let n = 0;
    const s = await serve(() => (++n === 2 ? { status: 0, drop: true } : receipt()));
    const api = new ApiClient({ server: s.url, token: "wtd_x" });
    await api.heartbeat(hb);
    await api.heartbeat(hb); // dropped on the reused socket, then resent
    expect(s.requests).toHaveLength(3);
    expect(s.connections).toBe(2);

    const dropping = await serve(() => ({ status: 0, drop: true }));
    const err = await new ApiClient({ server: dropping.url, token: "wtd_x" }).heartbeat(hb).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "NetworkError", failure: "unreachable" });
    expect(dropping.requests).toHaveLength(1);
  });

  it("asks for identity encoding and still reads a gzip answer", async () => {
    const doc = settingsDoc(5);
    const s = await serve(() => ({ status: 200, json: doc, gzip: true, headers: { etag: '"5"' } }));
    const answer = await new ApiClient({ server: s.url, token: "wtd_x" }).settings(null);
    expect(answer).toEqual({ notModified: false, etag: '"5"', settings: doc });
    expect(s.requests[0]!.headers["accept-encoding"]).toBe("identity");
  });

  it("does not load undici (Node's fetch) in the process that uses it", async () => {
    // A fresh Node process, as the agent runs: one request, then the list of internal modules loaded.
    const probe = `
      import { createServer } from "node:http";
      const { ApiClient } = await import(process.argv[1]);
      const server = createServer((req, res) => { req.resume(); req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ receivedAt: Date.now(), clockOffsetMs: 42 }));
      }); });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const api = new ApiClient({ server: "http://127.0.0.1:" + server.address().port, token: "wtd_x" });
      await api.heartbeat({ at: new Date().toISOString(), state: "tracking" });
      server.close();
      console.log(JSON.stringify({ offset: api.clockOffsetMs, undici: process.moduleLoadList.filter((m) => /undici/i.test(m)) }));
    `;
    const client = fileURLToPath(new URL("../src/core/sync/apiClient.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe, client], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ offset: 42, undici: [] });
  }, 30_000);
});

function batchAnswerFor(items: { id: string }[]): Reply {
  return { status: 200, json: { receivedAt: new Date().toISOString(), clockOffsetMs: 0, results: items.map((i) => ({ id: i.id, status: "stored" })) } };
}

describe("Backoff", () => {
  it("draws full-jitter delays under a doubling ceiling, capped, and resets on success", () => {
    const draws = [0.5, 0.99, 0.01, 0.75, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.5];
    const b = new Backoff({ baseMs: 1000, maxMs: 300_000, random: () => draws.shift()! });
    const delays = Array.from({ length: 11 }, () => b.next());
    expect(delays).toEqual([500, 1980, 100, 6000, 15984, 31968, 63936, 127872, 255744, 299700, 150000]);
    expect(b.attempts).toBe(11);
    b.reset();
    expect(b.ceilingMs).toBe(1000);
  });

  it("never retries before Retry-After, and does not believe an absurd one", () => {
    const b = new Backoff({ random: () => 0.5 });
    expect(b.next(7000)).toBe(7000);
    expect(b.next(10)).toBe(1000); // the jittered wait is longer than what the server asked for
    expect(b.next(30 * 24 * 3600_000)).toBe(3600_000);
  });
});

describe("Uploader", () => {
  it("backs off with growing, jittered waits while the server refuses connections, loses nothing, and delivers each record once when it is back", async () => {
    const port = await freePort();
    const draws = [0.9, 0.2, 0.99, 0.6, 0.95, 0.5];
    let n = 0;
    const { queue, uploader, retries } = await rig(`http://127.0.0.1:${port}`, { backoff: new Backoff({ random: () => draws[n++ % draws.length]! }) });
    const records = Array.from({ length: 7 }, (_, i) => usage(`window ${i}`, i));
    for (const r of records) await queue.append(r);

    uploader.start();
    await waitFor(() => retries().length >= 6);
    const first = retries().slice(0, 6);
    expect(first.every((r) => r.error instanceof NetworkError && r.error.failure === "refused")).toBe(true);
    // Ceilings 1, 2, 4, 8, 16, 32 s; each wait a random fraction of its ceiling.
    expect(first.map((r) => r.delayMs)).toEqual([900, 400, 3960, 4800, 15200, 16000]);
    expect(uploader.status()).toMatchObject({ online: false, running: true });
    expect(queue.stats().records).toBe(7);

    const server = await serve((req) => batchAnswer(req), port);
    await waitFor(() => queue.stats().records === 0);
    expect(batchIds(server.requests).sort()).toEqual(records.map(idOf).sort());
    expect(uploader.status()).toMatchObject({ online: true, lastError: null });
  });

  it("retries a batch answered 500 and then acknowledges it", async () => {
    let calls = 0;
    const server = await serve((req) => (++calls <= 2 ? { status: 500, problem: { code: "internal_error" } } : batchAnswer(req)));
    const { queue, uploader, retries } = await rig(server.url);
    const records = [usage("a"), usage("b")];
    for (const r of records) await queue.append(r);
    uploader.start();
    await waitFor(() => queue.stats().records === 0);
    expect(retries().map((r) => (r.error as ApiError).status)).toEqual([500, 500]);
    // The same records each time: nothing was dropped or acknowledged by the failures.
    expect(batchIds(server.requests)).toEqual([...records.map(idOf), ...records.map(idOf), ...records.map(idOf)]);
  });

  it("waits as long as Retry-After says after a 429", async () => {
    let calls = 0;
    const server = await serve((req) => (++calls === 1 ? { status: 429, problem: { code: "rate_limited" }, headers: { "retry-after": "7" } } : batchAnswer(req)));
    const { queue, uploader, retries, slept } = await rig(server.url, { backoff: new Backoff({ random: () => 0 }) });
    await queue.append(usage("a"));
    uploader.start();
    await waitFor(() => queue.stats().records === 0);
    expect(retries().map((r) => r.delayMs)).toEqual([7000]);
    expect(slept).toContain(7000);
    expect(server.requests).toHaveLength(2);
  });

  it("acknowledges stored, duplicate and permanently rejected items, and keeps an in_future item for later", async () => {
    let now = Date.UTC(2026, 0, 5, 10, 0, 0);
    const clock = { now: () => now };
    const answers = ["stored", "duplicate", "excluded", "in_future", "invalid_item"] as const;
    let laterAnswer: "in_future" | "stored" = "stored";
    const server = await serve((req) => batchAnswer(req, (item) => {
      const a = req.json().items.length === 1 ? laterAnswer : answers[records.findIndex((r) => idOf(r) === item.id)]!;
      return a === "stored" || a === "duplicate" ? { status: a } : { status: "rejected", code: a };
    }));
    const { queue, uploader, events, keyStore, dir } = await rig(server.url, { clock });
    const records = answers.map((a) => usage(a));
    for (const r of records) await queue.append(r);

    expect(await uploader.flush(5000)).toEqual({ complete: true });
    expect((await queue.pending(10)).map((p) => p.record)).toEqual([records[3]]);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { code: string }).code)).toEqual(["excluded", "invalid_item"]);
    expect(events.filter((e) => e.type === "deferred").map((e) => (e as { id: string }).id)).toEqual([idOf(records[3]!)]);
    // The acknowledgements are on disk.
    const reopened = await RecordQueue.open({ dir, keyStore });
    expect((await reopened.pending(10)).map((p) => p.id)).toEqual([idOf(records[3]!)]);
    await reopened.close();

    // Set aside: not re-sent at once...
    await uploader.flush(5000);
    expect(server.requests).toHaveLength(1);
    // ...but after the retry delay; when the server still says in_future for a day, it is dropped.
    laterAnswer = "in_future";
    now += 5 * 60_000;
    await uploader.flush(5000);
    expect(server.requests).toHaveLength(2);
    expect(queue.stats().records).toBe(1);
    now += 24 * 3600_000;
    await uploader.flush(5000);
    expect(server.requests).toHaveLength(3);
    expect(queue.stats().records).toBe(0);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { id: string }).id)).toContain(idOf(records[3]!));
  });

  it("stops on 401 invalid_device_token, signals signed out and acknowledges nothing", async () => {
    const server = await serve(() => ({ status: 401, problem: { code: "invalid_device_token", detail: "Revoked." } }));
    const { queue, uploader, events, signedOut } = await rig(server.url);
    for (const r of [usage("a"), usage("b"), screenshot()]) await queue.append(r);
    uploader.start();
    await waitFor(() => uploader.status().signedOut && !uploader.status().running);
    expect(events.filter((e) => e.type === "signed_out")).toHaveLength(1);
    expect(signedOut).toHaveLength(1);
    expect(events.some((e) => e.type === "retrying")).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(queue.stats().records).toBe(3);
  });

  it("uploads screenshots one by one: stored and refused-for-good are removed, a 503 is kept", async () => {
    const shots = [screenshot(), screenshot(), screenshot()];
    let third = 0;
    const server = await serve(async (req) => {
      const meta = JSON.parse(String((await req.form()).get("meta"))) as { shotId: string };
      if (meta.shotId === shots[1]!.shotId) return { status: 409, problem: { code: "slot_full" } };
      if (meta.shotId === shots[2]!.shotId && ++third === 1) return { status: 503, problem: { code: "unavailable" }, headers: { "retry-after": "1" } };
      return { status: 201, json: { shotId: meta.shotId, status: "stored" } };
    });
    const { queue, uploader, events } = await rig(server.url);
    for (const s of shots) await queue.append(s);
    const first = await uploader.flush(5000);
    expect(first.complete).toBe(false);
    expect(first.error).toMatchObject({ status: 503 });
    expect((await queue.pending(10)).map((p) => p.id)).toEqual([shots[2]!.shotId]);
    expect(events.find((e) => e.type === "rejected")).toMatchObject({ id: shots[1]!.shotId, code: "slot_full" });
    expect(await uploader.flush(5000)).toEqual({ complete: true });
    expect(queue.stats().records).toBe(0);
  });

  it("keeps batches within 500 items and the byte budget, and splits after a 413", async () => {
    const server = await serve((req) => (req.json().items.length > 50 ? { status: 413, problem: { code: "payload_too_large" } } : batchAnswer(req)));
    const { queue, uploader } = await rig(server.url, { maxBatchBytes: 20_000 });
    const records = Array.from({ length: 400 }, (_, i) => usage(`w${i}`, i));
    for (const r of records) await queue.append(r);
    expect(await uploader.flush(30_000)).toEqual({ complete: true });
    const batches = server.requests.map((r) => ({ n: r.json().items.length as number, bytes: r.body.length }));
    expect(Math.max(...batches.map((b) => b.n))).toBeLessThanOrEqual(500);
    expect(Math.max(...batches.map((b) => b.bytes))).toBeLessThanOrEqual(20_000);
    expect(server.requests.some((r) => r.json().items.length > 50)).toBe(true); // a 413 happened and was split
    const ok = server.requests.filter((r) => r.json().items.length <= 50);
    expect(ok.flatMap((r) => r.json().items.map((i: { id: string }) => i.id))).toEqual(records.map(idOf));

    // Without a byte budget in the way, the item cap decides.
    const s2 = await serve((req) => batchAnswer(req));
    const r2 = await rig(s2.url);
    const many = Array.from({ length: 1010 }, (_, i) => usage(`m${i}`, i));
    for (const r of many) await r2.queue.append(r);
    await r2.uploader.flush(30_000);
    expect(s2.requests.map((r) => r.json().items.length)).toEqual([500, 500, 10]);
  });

  it("sends the latest revision, and a revision appended during the upload survives its ack", async () => {
    const entry = v7();
    let queueRef: RecordQueue | null = null;
    const server = await serve(async (req) => {
      if (server.requests.length === 1) await queueRef!.append(timeEntry(entry, 2)); // the timer advanced meanwhile
      return batchAnswer(req);
    });
    const { queue, uploader } = await rig(server.url);
    queueRef = queue;
    await queue.append(timeEntry(entry, 0));
    await queue.append(timeEntry(entry, 1));
    expect(await uploader.flush(5000)).toEqual({ complete: true });
    expect(server.requests.map((r) => r.json().items.map((i: { rev: number }) => i.rev))).toEqual([[1], [2]]);
    expect(queue.stats().records).toBe(0);
  });

  it("gives up a flush at its deadline and keeps the records", async () => {
    const server = await serve(() => ({ status: 200, hang: true }));
    const { queue, uploader } = await rig(server.url);
    await queue.append(usage("a"));
    const started = Date.now();
    const result = await uploader.flush(300);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result.complete).toBe(false);
    expect(result.error).toBeInstanceOf(NetworkError);
    expect(queue.stats().records).toBe(1);
  });

  it("wakes on an append and exposes the clock offset the server measured", async () => {
    const server = await serve((req) => batchAnswer(req));
    const { queue, uploader } = await rig(server.url, { pollMs: 3600_000 });
    uploader.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(uploader.clockOffsetMs).toBeNull();
    await queue.append(usage("a"));
    await waitFor(() => queue.stats().records === 0);
    expect(uploader.clockOffsetMs).toBe(1234);
    expect(uploader.status().lastSyncAt).not.toBeNull();
  });
});
