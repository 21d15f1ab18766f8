/**
 * Helpers for writing many rows at once (seeds: worker/dev/bulkSeed.ts, bench/live-seed.ts). D1
 * binds at most 100 parameters per statement, and drizzle binds a value for every column that has
 * one or a JS-side default, so the table's column count (not the row's keys) bounds the rows per INSERT.
 */
import { getTableColumns, type Table } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

const MAX_PARAMS = 100;

/** Rows in groups small enough for one INSERT each into `table`. */
export function insertChunks<T>(table: Table, rows: T[]): T[][] {
  const per = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(getTableColumns(table)).length));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

/** One D1 batch (atomic) of any number of statements; none is a no-op. */
export async function runBatch(db: Db, statements: BatchItem<"sqlite">[]) {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
