/**
 * The viewers' sockets (WebSocket hibernation API) and the fan-out of board changes to them.
 *
 * - Each socket's attachment holds only { viewerMemberId, scopeKey, v } (the runtime caps
 *   attachments at 16 KiB, and a scope's id lists can be long); scopes live in live_scopes under the
 *   hash of their normalized JSON and are deleted when the last socket using them goes. `v` is the
 *   version of the socket's scope (versions.ts): a rescope older than it leaves the socket alone.
 * - Sockets carry the tags `viewer:<memberId>` (rescoping, revocation) and `session:<sessionId>`
 *   (the session that opened them: revoking it closes them with LIVE_CLOSE.signedOut).
 * - In memory, sockets are grouped by scope key (rebuilt from getWebSockets() after a wake). A change
 *   is projected and serialized once per group, or rather once per projection shape
 *   (projection.ts), and the same string goes to every socket of the group. Groups that do not see
 *   any difference get no frame at all.
 * - A viewer may hold at most LIVE_MAX_SOCKETS_PER_VIEWER sockets: the next one is refused with 429
 *   before the upgrade. (Closing the oldest instead would make a 21st tab and the tab it evicts
 *   take turns reconnecting for ever, since the page reconnects on every close code but 4403.)
 */
import { z } from "zod";
import { LIVE_CLOSE, LIVE_PONG, LiveReach, type LiveScope } from "../../contract/live";
import { AppError, problemResponse } from "../../http/problem";
import type { BoardRow } from "./boardStore";
import { deltaFrame, judgeClientMessage, snapshotFrame, type FrameClock } from "./frames";
import { compileScope, renderMember, scopeRecord, type CompiledScope } from "./projection";
import type { LiveUpgrade } from "./upgrade";
import { ScopeVersions, staleScope } from "./versions";

export const LIVE_MAX_SOCKETS_PER_VIEWER = 20;
/** Close code for a socket whose scope was lost (should not happen): the page reconnects and gets a fresh one. */
const CLOSE_INTERNAL = 1011;

/** `v` is absent on sockets opened before versions existed: they take any rescope. */
const Attachment = z.object({ viewerMemberId: z.string(), scopeKey: z.string(), v: z.number().optional() });
type Attachment = z.infer<typeof Attachment>;

const StoredReaches = z.object({
  time: LiveReach,
  activity: LiveReach.nullable(),
  apps: LiveReach.nullable(),
  screenshots: LiveReach.nullable(),
});

/** One board change: the member's row before and after (null: not on the board). */
export interface BoardChange {
  memberId: string;
  before: BoardRow | null;
  after: BoardRow | null;
}

/** What the hub needs from the board. */
export interface BoardView {
  rows(): Iterable<BoardRow>;
  clock(): FrameClock;
}

interface Group {
  scope: CompiledScope;
  sockets: Set<WebSocket>;
  /** Members JSON of the last snapshot and the seq it was built at (reused until the board changes). */
  snapshot: { seq: number; members: string[] } | null;
}

const viewerTag = (memberId: string) => `viewer:${memberId}`;
const sessionTag = (sessionId: string) => `session:${sessionId}`;
const isOpen = (ws: WebSocket) => ws.readyState === WebSocket.OPEN;

function readAttachment(ws: WebSocket): Attachment | null {
  const parsed = Attachment.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}

/** The code to answer a peer's close with: 1005/1006/1015 only describe a close and may not be sent. */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);
const sendableCode = (code: number) =>
  ((code >= 1000 && code <= 1014) || (code >= 3000 && code <= 4999)) && !RESERVED_CLOSE_CODES.has(code) ? code : 1000;

/** The groups a board change can concern: "all" reaches, and member and project reaches by id. */
class GroupIndex {
  private readonly all: Group[] = [];
  private readonly byMember = new Map<string, Group[]>();
  private readonly byProject = new Map<string, Group[]>();

  constructor(groups: Iterable<Group>) {
    const add = (map: Map<string, Group[]>, id: string, g: Group) => {
      const list = map.get(id);
      if (list) list.push(g);
      else map.set(id, [g]);
    };
    for (const g of groups) {
      const time = g.scope.time;
      if (time.all) {
        this.all.push(g);
        continue;
      }
      for (const id of time.members) add(this.byMember, id, g);
      for (const id of time.projects) add(this.byProject, id, g);
    }
  }

  candidates(ch: BoardChange): Set<Group> {
    const out = new Set<Group>(this.all);
    for (const g of this.byMember.get(ch.memberId) ?? []) out.add(g);
    for (const projectId of [ch.before?.projectId, ch.after?.projectId]) {
      if (projectId) for (const g of this.byProject.get(projectId) ?? []) out.add(g);
    }
    return out;
  }
}

export class LiveHub {
  private groups: Map<string, Group> | null = null;
  /** Invalidated (null) whenever a group is added or dropped. */
  private index: GroupIndex | null = null;
  private readonly versions = new ScopeVersions();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly sql: SqlStorage,
    private readonly board: BoardView,
  ) {}

  /* --------------------------------------------------------------------------------- connecting */

  /** Accepts a viewer's upgrade with the scope, session and resolve time the Worker passed (already parsed). */
  connect({ scope, sessionId, resolvedAt }: LiveUpgrade): Response {
    const groups = this.ensureGroups();
    if (this.versions.isStale(scope.viewerMemberId, resolvedAt)) return problemResponse(staleScope());
    const tag = viewerTag(scope.viewerMemberId);
    if (this.ctx.getWebSockets(tag).filter(isOpen).length >= LIVE_MAX_SOCKETS_PER_VIEWER) {
      return problemResponse(new AppError(429, "too_many_live_connections",
        `At most ${LIVE_MAX_SOCKETS_PER_VIEWER} live board connections per person; close another tab first.`));
    }
    const group = this.groupFor(groups, scope);
    const pair = new WebSocketPair();
    const client = pair[0];
    const server = pair[1];
    this.ctx.acceptWebSocket(server, [tag, sessionTag(sessionId)]);
    server.serializeAttachment({ viewerMemberId: scope.viewerMemberId, scopeKey: group.scope.key, v: resolvedAt } satisfies Attachment);
    group.sockets.add(server);
    this.send(server, this.snapshotOf(group), group);
    return new Response(null, { status: 101, webSocket: client });
  }

  /* ----------------------------------------------------------------------------------- fan-out */

  publish(changes: BoardChange[]) {
    if (!changes.length) return;
    const groups = this.ensureGroups();
    if (!groups.size) return;
    const clock = this.board.clock();
    const index = this.groupIndex(groups);
    // One render cache per change and side: groups with the same projection shape share the string.
    const caches = changes.map(() => ({ before: new Map<string, string>(), after: new Map<string, string>() }));
    const deltas = new Map<Group, { upsert: string[]; remove: string[] }>();
    changes.forEach((ch, i) => {
      // Only the groups whose time reach can cover the member, before or after the change: the
      // others would project it to nothing (with one group per employee, most groups).
      for (const group of index.candidates(ch)) {
        const before = ch.before && renderMember(ch.before, group.scope, caches[i]!.before);
        const after = ch.after && renderMember(ch.after, group.scope, caches[i]!.after);
        if (after === before || (!after && !before)) continue;
        let delta = deltas.get(group);
        if (!delta) deltas.set(group, (delta = { upsert: [], remove: [] }));
        if (after) delta.upsert.push(after);
        else delta.remove.push(ch.memberId);
      }
    });
    for (const [group, { upsert, remove }] of deltas) {
      const text = deltaFrame(clock, upsert, remove);
      for (const ws of group.sockets) this.send(ws, text, group);
    }
  }

  /** Groups by what their time reach covers, rebuilt after the set of groups changed. */
  private groupIndex(groups: Map<string, Group>): GroupIndex {
    if (!this.index) this.index = new GroupIndex(groups.values());
    return this.index;
  }

  /* ---------------------------------------------------------------------------------- messages */

  message(ws: WebSocket, message: string | ArrayBuffer) {
    const verdict = judgeClientMessage(message);
    if (verdict.kind === "close") return this.close(ws, verdict.code, verdict.reason);
    if (verdict.kind === "ping") return this.send(ws, LIVE_PONG, null);
    // The only frame kind: resync.
    const att = readAttachment(ws);
    const group = att && this.ensureGroups().get(att.scopeKey);
    if (!group) return this.close(ws, CLOSE_INTERNAL, "Scope lost; reconnect.");
    this.send(ws, this.snapshotOf(group), group);
  }

  /** The peer closed (or the connection failed): complete the close handshake and forget the socket. */
  closed(ws: WebSocket, code: number) {
    closeQuietly(ws, sendableCode(code), "");
    this.forget(ws);
  }

  /* -------------------------------------------------------------------------- viewers & scopes */

  /**
   * Distinct viewers with open sockets. `refreshVersion`: the caller is a refresh that started then
   * and will rescope exactly these viewers (versions.ts).
   */
  viewers(refreshVersion?: number): string[] {
    if (refreshVersion !== undefined) this.versions.noteRefresh(refreshVersion);
    const ids = new Set<string>();
    for (const group of this.ensureGroups().values()) {
      for (const ws of group.sockets) {
        const att = readAttachment(ws);
        if (att) ids.add(att.viewerMemberId);
      }
    }
    return [...ids].sort();
  }

  /**
   * A new scope for a viewer's open sockets (fresh snapshot), or null to close them (access
   * revoked), resolved at `version`. Ignored when older than a rescope of this viewer already
   * received, and for each socket whose own scope is newer (opened after it was resolved).
   */
  rescope(viewerMemberId: string, scope: LiveScope | null, version: number) {
    if (this.versions.isOutdated(viewerMemberId, version)) return;
    this.versions.noteApplied(viewerMemberId, version);
    const groups = this.ensureGroups();
    const sockets = this.ctx.getWebSockets(viewerTag(viewerMemberId)).filter(isOpen)
      .map((ws) => ({ ws, att: readAttachment(ws) }))
      .filter(({ att }) => (att?.v ?? 0) <= version);
    if (!sockets.length) return;
    if (!scope) {
      for (const { ws } of sockets) this.close(ws, LIVE_CLOSE.accessRevoked, "Access revoked.");
      return;
    }
    const target = this.groupFor(groups, scope);
    for (const { ws, att } of sockets) {
      if (att?.scopeKey !== target.scope.key) this.forget(ws);
      ws.serializeAttachment({ viewerMemberId, scopeKey: target.scope.key, v: version } satisfies Attachment);
      if (att?.scopeKey === target.scope.key) continue; // unchanged: nothing to resend
      target.sockets.add(ws);
      this.send(ws, this.snapshotOf(target), target);
    }
    this.dropIfEmpty(groups, target);
  }

  /** The viewer left the workspace: every socket of theirs closes, whatever its version. */
  revoke(viewerMemberId: string) {
    for (const ws of this.ctx.getWebSockets(viewerTag(viewerMemberId)).filter(isOpen)) {
      this.close(ws, LIVE_CLOSE.accessRevoked, "Access revoked.");
    }
  }

  /** These sessions were revoked: their sockets close with LIVE_CLOSE.signedOut. Answers how many closed. */
  closeSessions(sessionIds: readonly string[]): number {
    let closed = 0;
    for (const id of new Set(sessionIds)) {
      for (const ws of this.ctx.getWebSockets(sessionTag(id)).filter(isOpen)) {
        this.close(ws, LIVE_CLOSE.signedOut, "Signed out.");
        closed++;
      }
    }
    return closed;
  }

  /**
   * The workspace is being deleted: every socket closes with `code` and the hub forgets them all
   * without touching storage (which is about to be wiped), so the close events that follow find
   * nothing to clean up.
   */
  shutDown(code: number, reason: string) {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, code, reason);
    this.groups = new Map();
    this.index = null;
    this.versions.clear();
  }

  /* ---------------------------------------------------------------------------------- internals */

  private snapshotOf(group: Group): string {
    const clock = this.board.clock();
    if (group.snapshot?.seq !== clock.seq) {
      const members: string[] = [];
      for (const row of this.board.rows()) {
        const text = renderMember(row, group.scope, new Map());
        if (text !== null) members.push(text);
      }
      group.snapshot = { seq: clock.seq, members };
    }
    return snapshotFrame(clock, group.snapshot.members);
  }

  /** A failing send means the socket is going away: it is dropped without disturbing the others. */
  private send(ws: WebSocket, text: string, group: Group | null) {
    try {
      ws.send(text);
    } catch {
      group?.sockets.delete(ws);
    }
  }

  private close(ws: WebSocket, code: number, reason: string) {
    closeQuietly(ws, code, reason);
    this.forget(ws);
  }

  private forget(ws: WebSocket) {
    const groups = this.ensureGroups();
    const att = readAttachment(ws);
    const group = att ? groups.get(att.scopeKey) : undefined;
    if (!group) return;
    group.sockets.delete(ws);
    this.dropIfEmpty(groups, group);
  }

  private dropIfEmpty(groups: Map<string, Group>, group: Group) {
    if (group.sockets.size) return;
    groups.delete(group.scope.key);
    this.index = null;
    this.sql.exec("delete from live_scopes where scope_key = ?", group.scope.key);
  }

  /** The group of a scope, stored and compiled if it is new. */
  private groupFor(groups: Map<string, Group>, scope: LiveScope): Group {
    const { key, json } = scopeRecord(scope);
    let group = groups.get(key);
    if (!group) {
      this.sql.exec("insert into live_scopes (scope_key, scope_json, created_at) values (?, ?, ?) on conflict(scope_key) do nothing", key, json, Date.now());
      group = { scope: compileScope(scope, key), sockets: new Set(), snapshot: null };
      groups.set(key, group);
      this.index = null;
    }
    return group;
  }

  /**
   * The groups, rebuilt after the object woke from hibernation (memory was lost, sockets were not):
   * every open socket's attachment names its scope row. Scope rows no open socket uses are deleted
   * on the way, so rows left by a crash cannot pile up.
   */
  private ensureGroups(): Map<string, Group> {
    if (this.groups) return this.groups;
    const groups = new Map<string, Group>();
    const byKey = new Map<string, WebSocket[]>();
    for (const ws of this.ctx.getWebSockets()) {
      if (!isOpen(ws)) continue;
      const att = readAttachment(ws);
      if (!att) {
        closeQuietly(ws, CLOSE_INTERNAL, "Unknown socket; reconnect.");
        continue;
      }
      byKey.set(att.scopeKey, [...(byKey.get(att.scopeKey) ?? []), ws]);
    }
    const keys = [...byKey.keys()];
    const rows = this.sql.exec("select scope_key, scope_json from live_scopes where scope_key in (select value from json_each(?))", JSON.stringify(keys)).toArray();
    for (const r of rows) {
      const key = String(r.scope_key);
      const parsed = StoredReaches.safeParse(safeJson(String(r.scope_json)));
      if (!parsed.success) continue;
      groups.set(key, { scope: compileScope(parsed.data, key), sockets: new Set(byKey.get(key)), snapshot: null });
    }
    this.sql.exec("delete from live_scopes where scope_key not in (select value from json_each(?))", JSON.stringify([...groups.keys()]));
    this.groups = groups;
    this.index = null;
    // Sockets whose scope row is missing cannot be served: they reconnect and get a fresh one.
    for (const [key, sockets] of byKey) {
      if (groups.has(key)) continue;
      for (const ws of sockets) closeQuietly(ws, CLOSE_INTERNAL, "Scope lost; reconnect.");
    }
    return groups;
  }
}

/** Closing a socket that is already closing or closed throws; either way it is gone. */
function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // Already closing or closed.
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
