import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof drizzle<typeof schema>>;

/**
 * One drizzle instance per D1 binding object: building it (schema relations included) cost about a
 * tenth of the Worker's CPU per request in the ingest benchmark (docs/benchmarks.md). The binding
 * object is stable within an isolate; where it is not, the cache simply misses.
 */
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    instances.set(d1, db);
  }
  return db;
}
