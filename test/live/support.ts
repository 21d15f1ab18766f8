/**
 * Helpers for the live board tests: open GET /live/<ws> through the real Worker (SELF.fetch, session
 * cookies, Origin), collect the frames of a socket and fold them into the board the viewer sees,
 * and drive agents (device tokens from the real registration) with heartbeats.
 */
import { SELF } from "cloudflare:test";
import { v7 } from "uuid";
import { expect } from "vitest";
import { LiveServerFrame, type LiveMember } from "../../worker/contract/live";
import { ORIGIN, api } from "../helpers/http";
import { signInAgent } from "../tracking-d1/support";
import { signedIn } from "../ui/session";

export interface OpenOptions {
  cookie?: string;
  /** null: no Origin header. Defaults to the Worker's own origin. */
  origin?: string | null;
  upgrade?: boolean;
  headers?: Record<string, string>;
}

/** The raw answer of GET /live/<ws>. */
export async function openLive(ws: string, o: OpenOptions = {}): Promise<Response> {
  const headers = new Headers(o.headers);
  if (o.upgrade !== false) headers.set("upgrade", "websocket");
  if (o.cookie) headers.set("cookie", o.cookie);
  const origin = o.origin === undefined ? ORIGIN : o.origin;
  if (origin !== null) headers.set("origin", origin);
  return SELF.fetch(`${ORIGIN}/live/${ws}`, { headers });
}

/** A signed-in browser's cookie header for a user. */
export const cookieOf = async (userId: string) => (await signedIn(userId)).cookieHeader();

/** A connected viewer: every frame received, and the board those frames add up to. */
export class Viewer {
  readonly frames: LiveServerFrame[] = [];
  readonly board = new Map<string, LiveMember>();
  /** Every member id that ever appeared in a frame to this viewer. */
  readonly seen = new Set<string>();
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const parsed = LiveServerFrame.safeParse(JSON.parse(String(e.data)));
      if (!parsed.success) throw new Error(`bad frame: ${String(e.data).slice(0, 200)}`);
      this.apply(parsed.data);
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  private apply(f: LiveServerFrame) {
    this.frames.push(f);
    if (f.type === "snapshot") {
      this.board.clear();
      for (const m of f.members) { this.board.set(m.memberId, m); this.seen.add(m.memberId); }
      return;
    }
    for (const m of f.upsert) { this.board.set(m.memberId, m); this.seen.add(m.memberId); }
    for (const id of f.remove) { this.board.delete(id); this.seen.add(id); }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `ok()` holds (checked after every frame), or fails after `ms`. */
  async until(ok: () => boolean, what: string, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ok()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; board: ${JSON.stringify([...this.board.values()])}; closed: ${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  snapshots = () => this.frames.filter((f) => f.type === "snapshot").length;

  row(memberId: string): LiveMember | undefined {
    return this.board.get(memberId);
  }

  close() {
    if (!this.closed) this.ws.close(1000, "test done");
  }
}

/** Opens the board as a signed-in user (a new browser session) and waits for the first snapshot. */
export async function connect(ws: string, userId: string, o: Omit<OpenOptions, "cookie"> = {}): Promise<Viewer> {
  return connectWith(ws, await cookieOf(userId), o);
}

/** Opens the board with this browser's session cookies and waits for the first snapshot. */
export async function connectWith(ws: string, cookie: string, o: Omit<OpenOptions, "cookie"> = {}): Promise<Viewer> {
  const res = await openLive(ws, { ...o, cookie });
  expect(res.status, await problemText(res)).toBe(101);
  const socket = res.webSocket!;
  socket.accept();
  const v = new Viewer(socket);
  await v.until(() => v.snapshots() > 0, "the first snapshot");
  return v;
}

async function problemText(res: Response) {
  return res.status === 101 ? "" : await res.clone().text();
}

/** Closes every viewer (each test cleans up its sockets). */
export function closeAll(viewers: Viewer[]) {
  for (const v of viewers) v.close();
}

export interface Agent {
  deviceToken: string;
  memberId: string;
}

export async function agentFor(userToken: string, ws: string): Promise<Agent> {
  const a = await signInAgent(userToken, ws);
  return { deviceToken: a.deviceToken, memberId: a.memberId };
}

/** POST /agent/heartbeat; `at` defaults to now. */
export function beat(agent: Agent, body: Record<string, unknown>) {
  return api(agent.deviceToken, "POST", "/api/v1/agent/heartbeat", { at: new Date().toISOString(), ...body });
}

/** A heartbeat that must be accepted. */
export async function beatOk(agent: Agent, body: Record<string, unknown>) {
  const res = await beat(agent, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { receivedAt: number; clockOffsetMs: number };
}

/** A running entry as the agent reports it (its own UUIDv7 id). */
export const entryOn = (projectId: string | null, taskId: string | null = null, start = new Date(Date.now() - 5 * 60_000)) => ({
  id: v7(), start: start.toISOString(), projectId, taskId,
});

/** Yields a moment so frames that would (wrongly) arrive have the chance to. */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));
