/**
 * The board's WebSocket, kept alive (browser only). It connects to /live/{workspaceId} on the page's
 * origin (the session cookie goes along; the Worker checks it and the Origin), hands every valid
 * frame to `onFrame`, and:
 * - reconnects after any close with back-off and jitter (reconnect.ts), except close codes 4403
 *   (access revoked) and 4401 (the session was signed out), after which it stops for good;
 * - sends "ping" every 25 s and treats a missing "pong" within 10 s as a dead connection (a socket
 *   can stay "open" for minutes after a laptop sleeps or a proxy drops it);
 * - asks for a fresh snapshot when the tab becomes visible again (rAF-batched updates pause in
 *   background tabs, and the viewer wants the current picture), and reconnects at once then, or
 *   when the browser comes back online, instead of waiting out the back-off.
 * Frames that are not the contract are dropped (parseServerFrame).
 */
import { LIVE_CLOSE, LIVE_PING, LIVE_PONG, type LiveClientFrame, type LiveServerFrame } from "../../../../worker/contract/live";
import { parseServerFrame } from "./boardState";
import { reconnectDelay } from "./reconnect";

export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "revoked" | "signedOut";

/** The board is gone for good: the viewer lost access, or their session ended. */
export const isFinal = (s: ConnectionStatus) => s === "revoked" || s === "signedOut";

export const PING_EVERY_MS = 25_000;
export const PONG_WITHIN_MS = 10_000;

export interface LiveConnectionOptions {
  url: string;
  onFrame: (frame: LiveServerFrame, receivedAt: number) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The seq of the board the page holds (for resync requests), or null before any snapshot. */
  lastSeq: () => number | null;
}

type Timer = ReturnType<typeof setTimeout>;

export class LiveConnection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private retryTimer: Timer | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: Timer | undefined;

  constructor(private readonly opts: LiveConnectionOptions) {}

  start() {
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("online", this.reconnectNow);
    this.connect();
  }

  stop() {
    this.stopped = true;
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("online", this.reconnectNow);
    clearTimeout(this.retryTimer);
    this.detach(1000);
  }

  /** Asks the server for a snapshot (the page could not apply a delta, or came back to the front). */
  resync() {
    const seq = this.opts.lastSeq();
    const frame: LiveClientFrame = seq !== null && seq >= 0 ? { type: "resync", lastSeq: seq } : { type: "resync" };
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url);
    } catch {
      this.dropped(1006);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.attempt = 0;
      this.opts.onStatus("live");
      this.pingTimer = setInterval(this.ping, PING_EVERY_MS);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.ws) return;
      if (ev.data === LIVE_PONG) {
        clearTimeout(this.pongTimer);
        return;
      }
      const frame = parseServerFrame(ev.data);
      if (frame) this.opts.onFrame(frame, Date.now());
    };
    // An error is always followed by a close; the close decides what happens next.
    ws.onclose = (ev: CloseEvent) => {
      if (ws === this.ws) this.dropped(ev.code);
    };
  }

  private readonly ping = () => {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(LIVE_PING);
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => {
      // No answer: the link is dead even if the socket says open. Its close handshake may never
      // complete, so do not wait for it.
      if (ws === this.ws) this.dropped(1006);
    }, PONG_WITHIN_MS);
  };

  /** Forgets the current socket (closing it if it is still there) and its keep-alive timers. */
  private detach(code: number) {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try { ws.close(code); } catch { /* already closing */ }
    }
  }

  private dropped(code: number) {
    this.detach(1000);
    if (this.stopped) return;
    if (code === LIVE_CLOSE.accessRevoked || code === LIVE_CLOSE.signedOut) {
      this.stopped = true;
      this.opts.onStatus(code === LIVE_CLOSE.signedOut ? "signedOut" : "revoked");
      return;
    }
    this.opts.onStatus("reconnecting");
    this.retryTimer = setTimeout(() => this.connect(), reconnectDelay(this.attempt++));
  }

  private readonly reconnectNow = () => {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  };

  private readonly onVisibility = () => {
    if (document.visibilityState !== "visible") return;
    if (this.ws) this.resync();
    else this.reconnectNow();
  };
}
