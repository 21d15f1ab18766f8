/**
 * The agent's HTTP client for the ingest protocol (docs/agent-protocol.md): registration, settings
 * with ETag, heartbeats, item batches and screenshot uploads. Every answer is parsed with zod
 * (the contract's schemas where they exist); errors become ApiError / NetworkError / ProtocolError.
 *
 * Deleting a screenshot is not here on purpose: DELETE /workspaces/{id}/screenshots/{shotId} takes a
 * user's bearer token, and a device token is refused there (worker/routes/agent.ts: device tokens are
 * never user tokens). The agent cannot offer deletion until the API has a device-token route for it.
 *
 * The measured clock offset (server − agent, from every batch and heartbeat answer) is kept for the
 * agent's display of "server time". It is not applied to recorded items: the server measures the
 * offset from `sentAt` on each request and shifts the items itself (worker/workspace/ingest.ts), and
 * identifies a revision by its content on the agent's clock — shifting stored items on the agent
 * would double the correction and make a re-sent revision look like different content (id_conflict).
 */
import { IngestResponse, type IngestItem } from "../../../../worker/contract/agent";
import { ScreenshotUploadResult } from "../../../../worker/contract/screenshots";
import type { Clock } from "../ports";
import { systemClock } from "../ports";
import type { HeartbeatRecord, ScreenshotRecord } from "../records";
import { AgentSettings, HeartbeatReceipt, Problem, Registered } from "./agentSchemas";
import { ApiError, NetworkError, parseRetryAfter, ProtocolError } from "./apiErrors";
import { send, type HttpAnswer } from "./httpTransport";
import { encodeMultipart, type MultipartBody } from "./multipart";
import type { z } from "zod";

export interface DeviceInfo {
  name: string;
  os: string;
  agentVersion: string;
}

export type RegisterInput =
  | { code: string; workspaceId?: string; device: DeviceInfo }
  | { email: string; password: string; totpCode?: string; workspaceId: string; device: DeviceInfo };

export type SettingsAnswer =
  | { notModified: true; etag: string | null }
  | { notModified: false; etag: string | null; settings: AgentSettings };

export interface ApiClientOptions {
  /** The Worktrail server, e.g. https://worktrail.example.com (a path prefix is kept). */
  server: string;
  token?: string | null;
  clock?: Clock;
  /** Per request, including reading the answer. Default 30 s. */
  timeoutMs?: number;
  /** Plain http to a host other than this machine. Off: device tokens and screenshots travel only over TLS. */
  allowInsecureHttp?: boolean;
  /** Called when the server says the device token is gone (401 invalid_device_token / device_token_expired). */
  onSignedOut?: (error: ApiError) => void;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The server's base URL, refusing plain http beyond this machine unless explicitly allowed. */
export function serverBase(server: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`Not a server address: ${server}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`The server address must be https:// (got ${url.protocol}).`);
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !allowInsecureHttp) {
    throw new Error(`Refusing plain http to ${url.host}: use https:// (the device token and screenshots must not travel unencrypted).`);
  }
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

interface RequestOptions {
  json?: unknown;
  form?: MultipartBody;
  headers?: Record<string, string>;
  auth?: boolean;
  signal?: AbortSignal;
}

export class ApiClient {
  private readonly base: URL;
  private token: string | null;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private offset: number | null = null;

  constructor(private readonly opts: ApiClientOptions) {
    this.base = serverBase(opts.server, opts.allowInsecureHttp);
    this.token = opts.token ?? null;
    this.clock = opts.clock ?? systemClock;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get server(): string {
    return this.base.href;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  /** Server clock minus agent clock (ms) as last measured, or null before the first answer. */
  get clockOffsetMs(): number | null {
    return this.offset;
  }

  /** The agent's clock moved onto the server's by the last measured offset (for display, e.g. "today"). */
  serverClock(): Clock {
    return { now: () => this.clock.now() + (this.offset ?? 0) };
  }

  /** POST /agent/register. The token is not stored here: the caller keeps it (key store) and calls setToken. */
  async register(input: RegisterInput, signal?: AbortSignal): Promise<Registered> {
    const res = await this.request("POST", "agent/register", { json: input, auth: false, signal });
    return parse(Registered, res, "registration");
  }

  /** GET /agent/settings with If-None-Match: `notModified` when the ETag still matches. */
  async settings(etag: string | null, signal?: AbortSignal): Promise<SettingsAnswer> {
    const res = await this.request("GET", "agent/settings", { headers: etag ? { "if-none-match": etag } : {}, signal });
    const newTag = res.header("etag");
    if (res.status === 304) return { notModified: true, etag: newTag ?? etag };
    return { notModified: false, etag: newTag, settings: parse(AgentSettings, res, "settings") };
  }

  async heartbeat(hb: HeartbeatRecord, signal?: AbortSignal): Promise<HeartbeatReceipt> {
    // Only the protocol's fields, and `entry` / `app` only when said: the server reads an absent
    // field as "keep what you know" and null as "none" (docs/agent-protocol.md §3).
    const body: HeartbeatRecord = { at: hb.at, state: hb.state };
    if (hb.entry !== undefined) body.entry = hb.entry && { id: hb.entry.id, start: hb.entry.start, projectId: hb.entry.projectId, taskId: hb.entry.taskId };
    if (hb.app !== undefined) body.app = hb.app && { name: hb.app.name, title: hb.app.title, url: hb.app.url };
    const res = await this.request("POST", "agent/heartbeat", { json: body, signal });
    const receipt = parse(HeartbeatReceipt, res, "heartbeat receipt");
    this.offset = Math.round(receipt.clockOffsetMs);
    return receipt;
  }

  /** POST /agent/batches. `sentAt` is read from the clock right before sending, as the server expects. */
  async uploadBatch(items: readonly IngestItem[], signal?: AbortSignal): Promise<IngestResponse> {
    const sentAt = new Date(this.clock.now()).toISOString();
    const res = await this.request("POST", "agent/batches", { json: { sentAt, items }, signal });
    const answer = parse(IngestResponse, res, "batch answer");
    this.offset = answer.clockOffsetMs;
    return answer;
  }

  /** POST /agent/screenshots as multipart: meta (JSON), full and thumb (the sealed envelopes). */
  async uploadScreenshot(shot: ScreenshotRecord, signal?: AbortSignal): Promise<ScreenshotUploadResult> {
    const meta = {
      shotId: shot.shotId, takenAt: shot.takenAt, slotStart: shot.slotStart, display: shot.display,
      activity: shot.activity, app: shot.app, contentType: shot.contentType,
      sentAt: new Date(this.clock.now()).toISOString(),
    };
    const form = encodeMultipart([
      { name: "meta", text: JSON.stringify(meta) },
      { name: "full", bytes: Buffer.from(shot.full, "base64"), filename: "full" },
      { name: "thumb", bytes: Buffer.from(shot.thumb, "base64"), filename: "thumb" },
    ]);
    const res = await this.request("POST", "agent/screenshots", { form, signal });
    return parse(ScreenshotUploadResult, res, "screenshot answer");
  }

  /** The member deletes one of their own screenshots (where the workspace allows it; the server removes the slot's time). */
  async deleteScreenshot(shotId: string, signal?: AbortSignal): Promise<void> {
    await this.request("DELETE", `agent/screenshots/${encodeURIComponent(shotId)}`, { signal });
  }

  /** Sends one request and reads its whole answer within the timeout; throws for anything but 2xx and 304. */
  private async request(method: string, path: string, o: RequestOptions): Promise<HttpAnswer> {
    // Identity encoding: the answers are small (the transport still decodes one a proxy compressed anyway).
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json", "accept-encoding": "identity", "user-agent": "worktrail-agent", ...o.headers,
    };
    if (o.auth !== false) {
      if (!this.token) throw new ApiError(401, "invalid_device_token", "The agent is not signed in.", null);
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: Buffer | undefined;
    if (o.json !== undefined) {
      headers["content-type"] = "application/json";
      body = Buffer.from(JSON.stringify(o.json), "utf8");
    } else if (o.form) {
      headers["content-type"] = o.form.contentType; // it carries the boundary
      body = o.form.body;
    }
    // Redirects are refused (httpTransport): the agent endpoints never redirect, and following one could carry the token elsewhere.
    const answer = await send(new URL(`api/v1/${path}`, this.base), { method, headers, body, signal: o.signal, timeoutMs: this.timeoutMs });
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 304) return answer;
    const err = toApiError(answer, this.clock.now());
    if (err.signedOut) this.opts.onSignedOut?.(err);
    throw err;
  }
}

function parse<T>(schema: z.ZodType<T>, answer: HttpAnswer, what: string): T {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new ProtocolError(`The server's ${what} is not JSON (HTTP ${answer.status}).`);
  }
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ProtocolError(`The server's ${what} does not match the protocol${issue ? ` (${issue.path.join(".") || "body"}: ${issue.message})` : ""}.`);
  }
  return r.data;
}

function toApiError(answer: HttpAnswer, now: number): ApiError {
  let problem: Problem | null = null;
  try {
    const p = Problem.safeParse(JSON.parse(answer.text));
    if (p.success) problem = p.data;
  } catch {
    // Not JSON: a proxy's or load balancer's error page. The status alone still says what happened.
  }
  return new ApiError(
    answer.status,
    problem?.code ?? `http_${answer.status}`,
    problem?.detail ?? `HTTP ${answer.status} ${answer.statusText}`.trim(),
    parseRetryAfter(answer.header("retry-after"), now),
    problem?.errors ?? [],
    problem?.requestId ?? null,
  );
}

export { ApiError, NetworkError, ProtocolError };
