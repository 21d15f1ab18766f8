/**
 * Append-only, hash-chained audit log. Each entry's hash covers its content and the previous
 * entry's hash, so editing or deleting any row breaks every later link (verifyChain finds it).
 * Appends race safely: (chain, seq) is unique, a loser retries on the new head.
 */
import { and, desc, eq, gte, lte, lt, type SQL } from "drizzle-orm";
import { sha256Hex } from "../crypto/encoding";
import { auditLog, members } from "../db/schema";
import { newId } from "../db/ids";
import { isUniqueViolation } from "../db/errors";
import type { Actor } from "../authz/actor";
import { requireScope } from "../authz/policy";
import type { ServiceContext } from "./context";

export const GLOBAL_CHAIN = "global";
const GENESIS = "0".repeat(64);

export interface AuditEvent {
  chain: string; // workspace id or GLOBAL_CHAIN
  actorUserId: string | null;
  action: string; // e.g. auth.login.succeeded, member.role_changed
  targetType?: string | null;
  targetId?: string | null;
  data?: Record<string, unknown>;
}

type Row = typeof auditLog.$inferSelect;

function canonical(r: Omit<Row, "hash">): string {
  // Fixed field order: the hash must not depend on how a driver orders object keys.
  return JSON.stringify([r.id, r.chain, r.seq, r.at, r.actorUserId, r.action, r.targetType, r.targetId, r.ip, r.data, r.prevHash]);
}

export const entryHash = (r: Omit<Row, "hash">) => sha256Hex(canonical(r));

export async function appendAudit(ctx: ServiceContext, ev: AuditEvent): Promise<void> {
  for (let attempt = 0; attempt < 25; attempt++) {
    const [head] = await ctx.db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog)
      .where(eq(auditLog.chain, ev.chain)).orderBy(desc(auditLog.seq)).limit(1);
    const row: Omit<Row, "hash"> = {
      id: newId(), chain: ev.chain, seq: (head?.seq ?? 0) + 1, at: ctx.now(), actorUserId: ev.actorUserId,
      action: ev.action, targetType: ev.targetType ?? null, targetId: ev.targetId ?? null, ip: ctx.ip,
      data: JSON.stringify(ev.data ?? {}), prevHash: head?.hash ?? GENESIS,
    };
    try {
      await ctx.db.insert(auditLog).values({ ...row, hash: await entryHash(row) });
      return;
    } catch (e) {
      // Lost the race for this seq: someone appended first. Retry on the new head after a short jitter.
      if (!isUniqueViolation(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
  }
  throw new Error(`audit chain ${ev.chain}: could not append after retries`);
}

/** The same event in several chains (e.g. a sign-in is audited in each of the user's workspaces). */
export async function appendAuditToChains(ctx: ServiceContext, chains: string[], ev: Omit<AuditEvent, "chain">) {
  for (const chain of chains.length ? chains : [GLOBAL_CHAIN]) await appendAudit(ctx, { ...ev, chain });
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  brokenAtSeq?: number;
  reason?: "hash_mismatch" | "link_mismatch" | "sequence_gap";
}

export async function verifyChain(ctx: ServiceContext, chain: string): Promise<ChainCheck> {
  let prev = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows = await ctx.db.select().from(auditLog)
      .where(and(eq(auditLog.chain, chain), gte(auditLog.seq, after + 1))).orderBy(auditLog.seq).limit(500);
    for (const r of rows) {
      if (r.seq !== expectedSeq) return { ok: false, checked, brokenAtSeq: expectedSeq, reason: "sequence_gap" };
      if (r.prevHash !== prev) return { ok: false, checked, brokenAtSeq: r.seq, reason: "link_mismatch" };
      const { hash, ...rest } = r;
      if ((await entryHash(rest)) !== hash) return { ok: false, checked, brokenAtSeq: r.seq, reason: "hash_mismatch" };
      prev = hash;
      expectedSeq++;
      checked++;
      after = r.seq;
    }
    if (rows.length < 500) return { ok: true, checked };
  }
}

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  targetId?: string;
  from?: number;
  to?: number;
  beforeSeq?: number; // cursor: newest first
  limit: number;
}

export async function listAudit(ctx: ServiceContext, actor: Actor, q: AuditQuery) {
  requireScope(actor, "audit", "read");
  const where: SQL[] = [eq(auditLog.chain, actor.workspace.id)];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.actorUserId) where.push(eq(auditLog.actorUserId, q.actorUserId));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
  if (q.to !== undefined) where.push(lte(auditLog.at, q.to));
  if (q.beforeSeq !== undefined) where.push(lt(auditLog.seq, q.beforeSeq));
  // Audit rows keep user ids (they outlive renames and removals); the current name is joined in.
  const rows = await ctx.db.select({ e: auditLog, actorName: members.displayName }).from(auditLog)
    .leftJoin(members, and(eq(members.userId, auditLog.actorUserId), eq(members.workspaceId, actor.workspace.id)))
    .where(and(...where)).orderBy(desc(auditLog.seq)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit).map((r) => ({ ...r.e, actorName: r.actorName }));
  return {
    items: page.map((r) => ({ ...r, data: safeJson(r.data) })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null,
  };
}

export async function verifyWorkspaceChain(ctx: ServiceContext, actor: Actor) {
  requireScope(actor, "audit", "read");
  return verifyChain(ctx, actor.workspace.id);
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return {}; }
}
