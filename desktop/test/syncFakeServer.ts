/**
 * A small real HTTP server on 127.0.0.1 that stands in for the Worker in the sync tests, only to
 * inject faults (refused connections, 5xx, 429, hangs, chosen per-item answers). The real Worker is
 * exercised by the end-to-end run.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): any;
  /** Parses a multipart body the way the Worker does (Request.formData). */
  form(): Promise<FormData>;
}

export interface Reply {
  status: number;
  json?: unknown;
  /** problem+json body */
  problem?: { code: string; detail?: string };
  headers?: Record<string, string>;
  /** Never answer (the client's timeout or deadline must fire). */
  hang?: boolean;
  /** Send the status, the headers and the first half of the body, then stall (the deadline covers reading the answer). */
  stallMidBody?: boolean;
  /** Close the connection without answering (as a server does with a kept-alive socket it gave up on). */
  drop?: boolean;
  /** Compress the body with gzip (as a proxy might, whatever the client asked for). */
  gzip?: boolean;
}

export type Handler = (req: SeenRequest) => Reply | Promise<Reply>;

export class FakeServer {
  readonly requests: SeenRequest[] = [];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<import("node:net").Socket>();
  port = 0;

  constructor(public handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (0: any free port). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks);
        const path = req.url ?? "/";
        const headers = req.headers;
        const seen: SeenRequest = {
          method: req.method ?? "GET", path, headers, body,
          json: () => JSON.parse(body.toString("utf8")),
          form: () => new Request(`http://x${path}`, { method: "POST", headers: { "content-type": String(headers["content-type"]) }, body }).formData(),
        };
        this.requests.push(seen);
        let reply: Reply;
        try {
          reply = await this.handler(seen);
        } catch (e) {
          reply = { status: 500, problem: { code: "test_handler_failed", detail: String(e) } };
        }
        if (reply.hang) return;
        if (reply.drop) return void req.socket.destroy();
        const out = reply.problem
          ? { type: "application/problem+json", text: JSON.stringify({ type: "about:blank", title: "x", status: reply.status, ...reply.problem }) }
          : reply.json !== undefined ? { type: "application/json", text: JSON.stringify(reply.json) } : null;
        const bytes = out ? (reply.gzip ? gzipSync(out.text) : Buffer.from(out.text)) : undefined;
        res.writeHead(reply.status, {
          ...(out ? { "content-type": out.type } : {}), ...(reply.gzip ? { "content-encoding": "gzip" } : {}),
          ...(bytes ? { "content-length": String(bytes.length) } : {}), ...reply.headers,
        });
        if (reply.stallMidBody && bytes) return void res.write(bytes.subarray(0, bytes.length >> 1));
        res.end(bytes);
      });
    });
    server.on("connection", (s) => {
      this.connections++;
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port nothing listens on (connections to it are refused). */
export async function freePort(): Promise<number> {
  const s = await new FakeServer(() => ({ status: 200 })).start(0);
  const port = s.port;
  await s.stop();
  return port;
}

/** The batch answer the Worker would give, with chosen statuses per item (default: stored). */
export function batchAnswer(req: SeenRequest, pick: (item: any, i: number) => { status: "stored" | "duplicate" | "rejected"; code?: string } = () => ({ status: "stored" })) {
  const { items } = req.json() as { items: { id: string }[] };
  return {
    status: 200,
    json: { receivedAt: new Date().toISOString(), clockOffsetMs: 1234, results: items.map((it, i) => ({ id: it.id, ...pick(it, i) })) },
  } satisfies Reply;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("Timed out waiting for a condition.");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A settings document as GET /agent/settings returns it. */
export function settingsDoc(version = 3, titleKeywords = ["Patient record"]) {
  return {
    workspaceId: "0194f1c2-0000-7000-8000-000000000001", memberId: "0194f1c2-0000-7000-8000-000000000002",
    deviceId: "0194f1c2-0000-7000-8000-000000000003", version,
    screenshotPublicKey: "BPublicKeyBase64==",
    settings: {
      screenshotsPerSlot: 1, screenshotBlur: false, screenshotDeletion: "allowed", screenshotRetentionDays: 30,
      trackApps: true, trackUrls: true, captureTitles: true, idleThresholdSeconds: 300, offlineAfterSeconds: 180, idlePolicy: "ask", manualTime: "allowed",
      exclusions: { apps: ["KeePassXC"], domains: ["bank.example"], titleKeywords },
    },
    rules: [{ id: "r1", teamId: null, match: "domain", pattern: "crm.example", category: "productive", projectId: null, priority: 0, scope: "workspace" }],
    projects: [{ id: "p1", name: "Website", clientName: "Acme", tasks: [{ id: "t1", name: "Design" }] }],
  };
}

/**
 * The Worker's agent endpoints as createAgent uses them (register, settings with ETag, batches,
 * heartbeat, screenshots, the member's screenshot DELETE), answering from fields a test changes
 * mid-run: revoke the device, change the settings. Every request is still in FakeServer.requests.
 */
export interface FakeAgentApi {
  /** The one-time code POST /agent/register accepts. */
  code: string;
  /** The device token it hands out and then requires as the bearer token. */
  token: string;
  /** The device was revoked: every authenticated request answers 401 invalid_device_token. */
  revoked: boolean;
  /** GET /agent/settings' document; its ETag is "v{version}". */
  settings: { version: number } & Record<string, unknown>;
}

export function agentApiHandler(api: FakeAgentApi): Handler {
  return (req) => {
    const path = req.path.split("?")[0]!;
    if (req.method === "POST" && path === "/api/v1/agent/register") {
      if (req.json().code !== api.code) return { status: 400, problem: { code: "invalid_code" } };
      const s = api.settings as unknown as { workspaceId: string; memberId: string; deviceId: string };
      return { status: 200, json: { deviceId: s.deviceId, deviceToken: api.token, workspaceId: s.workspaceId, memberId: s.memberId } };
    }
    if (api.revoked || req.headers.authorization !== `Bearer ${api.token}`) return { status: 401, problem: { code: "invalid_device_token" } };
    if (req.method === "GET" && path === "/api/v1/agent/settings") {
      const etag = `"v${api.settings.version}"`;
      if (req.headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
      return { status: 200, json: api.settings, headers: { etag } };
    }
    if (req.method === "POST" && path === "/api/v1/agent/batches") return batchAnswer(req);
    if (req.method === "POST" && path === "/api/v1/agent/heartbeat") return { status: 200, json: { receivedAt: Date.now(), clockOffsetMs: 0 } };
    if (req.method === "POST" && path === "/api/v1/agent/screenshots") {
      return req.form().then((f) => ({ status: 200, json: { shotId: JSON.parse(String(f.get("meta"))).shotId, status: "stored" } }));
    }
    if (req.method === "DELETE" && path.startsWith("/api/v1/agent/screenshots/")) return { status: 200, json: { removedSeconds: 0 } };
    return { status: 404, problem: { code: "not_found" } };
  };
}
