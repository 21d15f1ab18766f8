/**
 * Entry of the ingest benchmark's Worker (bench/wrangler.bench.toml; never deployed). It is the real
 * Worker — same default handler, same WorkspaceObject — plus one bench-only route:
 *
 *   POST /bench/raw {batches, usagePerBatch, flushEachBatch?}  → RawInsertObject inserts the rows of
 *   that many 10-minute batches with plain multi-row INSERTs and answers the time it took inside
 *   the object.
 *
 * That figure is the ceiling the ingest is compared with (issue 3, "Performance"): the same rows
 * written to Durable Object SQLite with nothing else going on — no HTTP, no D1, no validation, no
 * receipts, no rollups.
 *
 *   POST /bench/raw-batch <the agent's batch JSON> → the same rows, sent by the same simulated
 *   agents over the same HTTP path, inserted with the same plain multi-row INSERTs by one bare
 *   RawInsertObject (one per run, as one workspace has one object): the limit of the platform for
 *   this traffic — what remains of a request when authentication, D1, validation, idempotency and
 *   rollups are taken away.
 *
 * For the live board benchmark (npm run bench:live, bench/live.mjs):
 *
 *   POST /bench/live-seed {agents, teams, projects, executives, tasks?} → a workspace with tracking
 *   members, managers and viewers of every role (bench/live-seed.ts).
 *
 *   GET /bench/echo?object=… (WebSocket) and POST /bench/echo?object=… <text> → EchoBroadcastObject
 *   (bench/echo-object.ts), the bare echo-broadcast baseline: every socket receives every message.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { Env } from "../worker/env";
import { isDev } from "../worker/env";
import { createServiceContext } from "../worker/services/context";
import worker from "../worker/index";
import type { EchoBroadcastObject } from "./echo-object";
import { LiveSeedRequest, seedLiveBench } from "./live-seed";

export { WorkspaceObject } from "../worker/workspace/WorkspaceObject";
export { EchoBroadcastObject } from "./echo-object";

interface BenchEnv extends Env {
  RAW_INSERT: DurableObjectNamespace<RawInsertObject>;
  ECHO: DurableObjectNamespace<EchoBroadcastObject>;
}

/** SQLite in Durable Objects binds at most 100 parameters per statement (as in trackingStore.ts). */
const MAX_PARAMS = 100;

/** The columns the ingest writes for each kind, without its secondary indexes: the minimal shape. */
const TABLES = [
  `create table if not exists time_entries (id text primary key not null, member_id text not null, project_id text, task_id text,
     start_ms integer not null, end_ms integer, note text not null default '', billable integer not null default 0, source text not null,
     rev integer not null, device_id text, created_at integer not null, updated_at integer not null)`,
  `create table if not exists activity_slots (id text primary key not null, member_id text not null, slot_start_ms integer not null,
     tracked_s integer not null, active_s integer not null, rev integer not null, device_id text not null)`,
  `create table if not exists usage_spans (id text primary key not null, member_id text not null, app text not null, title text, url text,
     start_ms integer not null, end_ms integer not null, category text, device_id text)`,
];

export const RawRequest = z.strictObject({
  batches: z.number().int().min(1).max(20_000),
  usagePerBatch: z.number().int().min(0).max(400),
  /**
   * Yield to the event loop after every batch, so that each batch's writes are flushed to disk on
   * their own, as they are when every batch is its own request. Without it, all batches are written
   * in one synchronous run and flushed together: the issue's ceiling.
   */
  flushEachBatch: z.boolean().default(false),
});
export type RawRequest = z.input<typeof RawRequest>;

export interface RawResult {
  batches: number;
  rows: number;
  /** Wall time inside the object, from before the first INSERT to after the last transaction. */
  elapsedMs: number;
  rowsPerSecond: number;
}

type Row = SqlStorageValue[];
interface RawBatch { entry: Row; slot: Row; usage: Row[] }

const SLOT_MS = 600_000;

/** Rows shaped like one agent's 10 minutes; ids are random so that every call inserts new keys. */
function makeBatch(i: number, usagePerBatch: number): RawBatch {
  const member = `member-${i % 50}`;
  const device = `device-${i % 50}`;
  const start = Date.UTC(2025, 0, 1) + i * SLOT_MS;
  const spanMs = Math.floor(SLOT_MS / Math.max(usagePerBatch, 1));
  return {
    entry: [crypto.randomUUID(), member, null, null, start, start + SLOT_MS, "", 0, "desktop", 1, device, start, start],
    slot: [crypto.randomUUID(), member, start, 600, 420, 1, device],
    usage: Array.from({ length: usagePerBatch }, (_, u): Row => [
      crypto.randomUUID(), member, u % 2 ? "Code" : "Firefox", `file ${u}.ts`, u % 2 ? null : `https://example.com/docs/${u}`,
      start + u * spanMs, start + (u + 1) * spanMs, null, device,
    ]),
  };
}

/**
 * workerd advances Date.now() only between I/O events (a Spectre mitigation), so synchronous SQL
 * cannot be timed from inside itself; yielding to a timer lets the clock catch up first.
 */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

export class RawInsertObject extends DurableObject<BenchEnv> {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    for (const ddl of TABLES) ctx.storage.sql.exec(ddl);
  }

  /** Multi-row INSERT of `rows`, split so no statement binds more than MAX_PARAMS values. */
  private insertRows(head: string, rows: Row[]) {
    if (!rows.length) return;
    const width = rows[0]!.length;
    const tuple = `(${Array.from({ length: width }, () => "?").join(",")})`;
    const perStatement = Math.floor(MAX_PARAMS / width);
    for (let i = 0; i < rows.length; i += perStatement) {
      const part = rows.slice(i, i + perStatement);
      this.ctx.storage.sql.exec(`${head} ${part.map(() => tuple).join(",")}`, ...part.flat());
    }
  }

  /** One request's batch in one transaction; the running time entry is re-sent, so it replaces its row. */
  insertHttpBatch(rows: HttpBatchRows): number {
    this.ctx.storage.transactionSync(() => {
      this.insertRows(ENTRY_SQL.replace("insert into", "insert or replace into"), rows.entries);
      this.insertRows(SLOT_SQL, rows.slots);
      this.insertRows(USAGE_SQL, rows.usage);
    });
    return rows.entries.length + rows.slots.length + rows.usage.length;
  }

  /** One transaction per batch, as the ingest commits one per request. */
  async insertBatches(request: RawRequest): Promise<RawResult> {
    const { batches, usagePerBatch, flushEachBatch } = RawRequest.parse(request);
    // Rows are built before the clock starts: only the inserts are measured.
    const data = Array.from({ length: batches }, (_, i) => makeBatch(i, usagePerBatch));
    await tick();
    const started = Date.now();
    for (const b of data) {
      this.ctx.storage.transactionSync(() => {
        this.insertRows(ENTRY_SQL, [b.entry]);
        this.insertRows(SLOT_SQL, [b.slot]);
        this.insertRows(USAGE_SQL, b.usage);
      });
      if (flushEachBatch) await tick();
    }
    await tick();
    const elapsedMs = Math.max(Date.now() - started, 1);
    const rows = batches * (2 + usagePerBatch);
    return { batches, rows, elapsedMs, rowsPerSecond: Math.round((rows * 1000) / elapsedMs) };
  }
}

const ENTRY_SQL = "insert into time_entries (id, member_id, project_id, task_id, start_ms, end_ms, note, billable, source, rev, device_id, created_at, updated_at) values";
const SLOT_SQL = "insert into activity_slots (id, member_id, slot_start_ms, tracked_s, active_s, rev, device_id) values";
const USAGE_SQL = "insert into usage_spans (id, member_id, app, title, url, start_ms, end_ms, category, device_id) values";

export interface HttpBatchRows { entries: Row[]; slots: Row[]; usage: Row[] }

/**
 * The rows of one agent batch, mapped field by field with no validation at all (the bench's own
 * agents send it): what any ingest has to do at the least to turn the JSON into rows.
 */
function rowsOfBatch(body: unknown, agent: string): HttpBatchRows {
  const items = (body as { items?: Record<string, unknown>[] } | null)?.items ?? [];
  const ms = (v: unknown) => (typeof v === "string" ? Date.parse(v) : null);
  const rows: HttpBatchRows = { entries: [], slots: [], usage: [] };
  const now = Date.now();
  for (const it of items) {
    if (it.kind === "time_entry") {
      rows.entries.push([it.id, agent, null, null, ms(it.start), ms(it.end), String(it.note ?? ""), 0, "desktop", Number(it.rev), agent, now, now] as Row);
    } else if (it.kind === "slot") {
      rows.slots.push([it.id, agent, ms(it.slotStart), Number(it.trackedSeconds), Number(it.activeSeconds), Number(it.rev), agent] as Row);
    } else if (it.kind === "usage") {
      rows.usage.push([it.id, agent, String(it.app), (it.title as string | null) ?? null, (it.url as string | null) ?? null, ms(it.start), ms(it.end), null, agent] as Row);
    }
  }
  return rows;
}

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ type: "about:blank", title: detail, status, code, detail }), {
    status, headers: { "content-type": "application/problem+json" },
  });

async function handleRaw(request: Request, env: BenchEnv): Promise<Response> {
  // The bench worker only ever runs under `wrangler dev`; refuse anyway when not in development.
  if (!isDev(env)) return problem(404, "not_found", "Not found.");
  if (request.method !== "POST") return problem(405, "method_not_allowed", "POST only.");
  const parsed = RawRequest.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return problem(422, "validation_failed", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  // A fresh object per call: every measurement starts from empty tables.
  const stub = env.RAW_INSERT.get(env.RAW_INSERT.newUniqueId());
  return Response.json(await stub.insertBatches(parsed.data));
}

/** The bare path: parse, map, one RPC, one transaction. `?object=` names the object (one per measurement). */
async function handleRawBatch(request: Request, env: BenchEnv): Promise<Response> {
  if (!isDev(env)) return problem(404, "not_found", "Not found.");
  if (request.method !== "POST") return problem(405, "method_not_allowed", "POST only.");
  const url = new URL(request.url);
  const rows = rowsOfBatch(await request.json().catch(() => null), request.headers.get("x-bench-agent") ?? "agent");
  const stub = env.RAW_INSERT.get(env.RAW_INSERT.idFromName(url.searchParams.get("object") ?? "http"));
  return Response.json({ rows: await stub.insertHttpBatch(rows) });
}

/** The live board's workspace (bench/live-seed.ts). */
async function handleLiveSeed(request: Request, env: BenchEnv): Promise<Response> {
  if (!isDev(env)) return problem(404, "not_found", "Not found.");
  if (request.method !== "POST") return problem(405, "method_not_allowed", "POST only.");
  const parsed = LiveSeedRequest.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return problem(422, "validation_failed", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return Response.json(await seedLiveBench(createServiceContext(env, request), parsed.data));
}

/** The echo-broadcast baseline: the upgrade or the broadcast goes to the object named by `?object=`. */
function handleEcho(request: Request, env: BenchEnv): Response | Promise<Response> {
  if (!isDev(env)) return problem(404, "not_found", "Not found.");
  const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
  if (!upgrade && request.method !== "POST") return problem(405, "method_not_allowed", "GET with Upgrade: websocket, or POST.");
  const name = new URL(request.url).searchParams.get("object") ?? "echo";
  return env.ECHO.get(env.ECHO.idFromName(name)).fetch(request);
}

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    const path = new URL(request.url).pathname;
    if (path === "/bench/raw") return handleRaw(request, env);
    if (path === "/bench/raw-batch") return handleRawBatch(request, env);
    if (path === "/bench/live-seed") return handleLiveSeed(request, env);
    if (path === "/bench/echo") return handleEcho(request, env);
    return worker.fetch(request, env, ctx);
  },
  scheduled: worker.scheduled,
} satisfies ExportedHandler<BenchEnv>;
