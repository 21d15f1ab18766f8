/**
 * The live board benchmark's baseline (npm run bench:live): a bare echo-broadcast Durable Object.
 *
 *   GET  /bench/echo  (WebSocket upgrade) → the socket joins the object (hibernation API, like the
 *                     Workspace object's viewers); nothing is authenticated or scoped.
 *   POST /bench/echo  <any text> → the object sends that text, unchanged, to every socket it holds
 *                     and answers how many it sent to.
 *
 * One broadcast per heartbeat, every socket receiving every message: what the platform's fan-out
 * costs with all of our work (auth, D1, validation, board state, scopes, projections) taken away.
 * One object per run (`?object=`), as a workspace has one.
 */
import { DurableObject } from "cloudflare:workers";

/** Same bound as a heartbeat body (the broadcast text is the benchmark's own, about a delta's size). */
const MAX_BODY = 64 * 1024;

export class EchoBroadcastObject extends DurableObject {
  /**
   * The open sockets, listed once and kept until one joins or leaves (the live hub keeps its socket
   * groups in memory the same way). Rebuilt from getWebSockets() after the object hibernated.
   */
  private sockets: WebSocket[] | null = null;

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const pair = new WebSocketPair();
      this.ctx.acceptWebSocket(pair[1]);
      this.sockets = null;
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    const text = await request.text();
    if (text.length > MAX_BODY) return new Response("too large", { status: 413 });
    this.sockets ??= this.ctx.getWebSockets();
    let sent = 0;
    for (const ws of this.sockets) {
      try {
        ws.send(text);
        sent++;
      } catch {
        // Closing meanwhile: not counted.
      }
    }
    return Response.json({ sent });
  }

  /** The benchmark's clients never send; anything they do is ignored. */
  async webSocketMessage(): Promise<void> {}

  async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.sockets = null;
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "");
    } catch {
      // Already closed.
    }
  }
}
