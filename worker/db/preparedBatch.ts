/**
 * Queries built and prepared once per D1 binding, then run together in one `batch` with fresh
 * placeholder values. drizzle's own `db.batch` rebuilds every query's SQL on every call; on the
 * agent's hot path (worker/services/tracking/agentAuth.ts) that building was about an eighth of the
 * Worker's CPU per upload (docs/benchmarks.md). Results are mapped by drizzle exactly as
 * `db.batch` maps them.
 */
import { fillPlaceholders } from "drizzle-orm";
import type { Db } from "./client";

/**
 * The part of drizzle's D1PreparedQuery that its own `batch` uses (d1/session.js): the statement,
 * its built parameters (placeholders included) and the mapping of a batch result. Not in drizzle's
 * public typings, hence this narrow view; test/tracking-d1 exercises every query that goes through it.
 */
interface BatchablePrepared<R> {
  stmt: D1PreparedStatement;
  getQuery(): { params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): R;
}

export interface Preparable<R> {
  prepare(): unknown;
  /** Only for the result type: drizzle builders are thenables of their rows. */
  then: PromiseLike<R>["then"];
}

/** A query prepared on first use per database and reused after: `run` binds the values. */
export class PreparedQuery<R> {
  private readonly byDb = new WeakMap<Db, BatchablePrepared<R>>();
  constructor(private readonly build: (db: Db) => Preparable<R>) {}

  bind(db: Db, values: Record<string, unknown>): { stmt: D1PreparedStatement; map: (result: unknown) => R } {
    let prepared = this.byDb.get(db);
    if (!prepared) {
      prepared = this.build(db).prepare() as BatchablePrepared<R>;
      this.byDb.set(db, prepared);
    }
    const p = prepared;
    return { stmt: p.stmt.bind(...fillPlaceholders(p.getQuery().params, values)), map: (result) => p.mapResult(result, true) };
  }
}

type Results<T extends readonly PreparedQuery<unknown>[]> = { [K in keyof T]: T[K] extends PreparedQuery<infer R> ? R : never };

/** Runs the queries in one D1 batch (one round trip, one implicit transaction) with the same values. */
export async function runPrepared<const T extends readonly PreparedQuery<unknown>[]>(db: Db, queries: T, values: Record<string, unknown>): Promise<Results<T>> {
  const bound = queries.map((q) => q.bind(db, values));
  const results = await db.$client.batch(bound.map((b) => b.stmt));
  return bound.map((b, i) => b.map(results[i])) as Results<T>;
}
