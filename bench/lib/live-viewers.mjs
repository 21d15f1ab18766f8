// The live board benchmark's viewers: WebSocket clients (the `ws` package) on GET /live/{ws} with
// a browser session's cookies and our own Origin, as the board page opens them, and on the bare echo
// object's /bench/echo. Each socket notes when each frame arrives (performance.now(), the same clock
// the load generator stamps its sends with) and what it says, compactly:
//   board sockets: per member, the lastSeenAt of every row received and when; the times the member
//     was removed from the board;
//   echo sockets: the arrival time of every broadcast, by its number.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { pool } from "./live-setup.mjs";

/**
 * Opens one socket. Resolves once it is open, or with `firstMessage` once the first message (the
 * board's snapshot) arrived; rejects with the server's refusal.
 */
function open(url, { headers = {}, origin, firstMessage = false }, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, origin, perMessageDeflate: false });
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`${url}: no answer within 30 s`)); }, 30_000);
    const done = () => { clearTimeout(timer); resolve(ws); };
    let first = true;
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => reject(new Error(`${url} refused the upgrade: ${res.statusCode} ${body.slice(0, 200)}`)));
    });
    ws.on("error", (err) => { clearTimeout(timer); reject(err); });
    if (!firstMessage) ws.on("open", done);
    ws.on("message", (data, isBinary) => {
      const at = performance.now();
      if (first && firstMessage) done();
      first = false;
      onMessage(data, isBinary, at);
    });
  });
}

/** Closes sockets and waits until each has completed the close handshake (the server forgot it). */
export async function closeAll(sockets) {
  await Promise.all(sockets.map((s) => new Promise((resolve) => {
    const ws = s.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => { ws.terminate(); resolve(); }, 10_000);
    ws.once("close", () => { clearTimeout(timer); resolve(); });
    ws.close(1000);
  })));
}

/* ------------------------------------------------------------------------------- board sockets */

/** Per-socket record of the board frames. */
class BoardRecorder {
  constructor() {
    this.rows = new Map(); // memberId → { seen: number[] (lastSeenAt), at: number[] }
    this.removes = new Map(); // memberId → number[] (arrival)
    this.snapshot = null; // { members, bytes, at }
    this.frames = 0;
    this.bytes = 0;
    this.counting = false;
  }

  onMessage(data, isBinary, at) {
    if (isBinary) throw new Error("The board sent a binary frame");
    const text = data.toString();
    const frame = JSON.parse(text);
    if (frame.type === "snapshot") {
      this.snapshot = { members: frame.members.length, bytes: text.length, at };
      this.note(frame.members, at);
      return;
    }
    if (this.counting) {
      this.frames++;
      this.bytes += text.length;
    }
    this.note(frame.upsert, at);
    for (const id of frame.remove) {
      const list = this.removes.get(id);
      if (list) list.push(at); else this.removes.set(id, [at]);
    }
  }

  note(members, at) {
    for (const m of members) {
      if (m.lastSeenAt === null) continue;
      let r = this.rows.get(m.memberId);
      if (!r) this.rows.set(m.memberId, (r = { seen: [], at: [] }));
      r.seen.push(m.lastSeenAt);
      r.at.push(at);
    }
  }

  /** Arrival of the first row of `memberId` with lastSeenAt ≥ receivedAt (null: never). */
  rowArrival(memberId, receivedAt) {
    const r = this.rows.get(memberId);
    if (!r) return null;
    // lastSeenAt only grows per member, so the first match is found by binary search.
    let lo = 0;
    let hi = r.seen.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r.seen[mid] >= receivedAt) hi = mid; else lo = mid + 1;
    }
    return lo < r.seen.length ? r.at[lo] : null;
  }

  /** Arrival of the first removal of `memberId` after `after` (null: never). */
  removeArrival(memberId, after) {
    const list = this.removes.get(memberId);
    return list?.find((t) => t >= after) ?? null;
  }
}

/**
 * Opens the board sockets of `plan` (lib/live-setup.mjs viewerPlan, each entry with its `cookie`)
 * on `baseUrl`, `concurrency` handshakes at a time. Resolves with one { ...entry, ws, rec } each.
 */
export async function openBoardSockets(baseUrl, workspaceId, plan, concurrency = 16) {
  const url = `${baseUrl.replace(/^http/, "ws")}/live/${workspaceId}`;
  const origin = new URL(baseUrl).origin;
  return pool(plan, concurrency, async (entry) => {
    const rec = new BoardRecorder();
    const ws = await open(url, { headers: { cookie: entry.cookie }, origin, firstMessage: true }, (d, b, at) => rec.onMessage(d, b, at));
    return { ...entry, ws, rec };
  });
}

/* -------------------------------------------------------------------------------- echo sockets */

/**
 * The echo baseline's sockets on /bench/echo?object=…; each notes the arrival of broadcast n (the
 * text starts with `{"n":<n>,`) in a Float64Array of `capacity` (0 = not received).
 */
export async function openEchoSockets(baseUrl, object, count, capacity, concurrency = 16) {
  const url = `${baseUrl.replace(/^http/, "ws")}/bench/echo?object=${encodeURIComponent(object)}`;
  const sockets = Array.from({ length: count }, (_, index) => ({ index, arrivals: new Float64Array(capacity), frames: 0, bytes: 0, ws: null }));
  await pool(sockets, concurrency, async (s) => {
    s.ws = await open(url, {}, (data, _b, at) => {
      const text = data.toString();
      const n = Number(text.slice(5, text.indexOf(",", 5)));
      if (!(n >= 0 && n < capacity)) return;
      s.arrivals[n] = at;
      s.frames++;
      s.bytes += text.length;
    });
  });
  return sockets;
}
