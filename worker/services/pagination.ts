/**
 * Keyset pagination with an opaque cursor (DESIGN.md, "Lists paginate with an opaque cursor; limits
 * are capped"). Lists of named things are ordered by (lower(name), id): readable for people and
 * stable for machines, because the id breaks ties between equal names. The cursor is the sort key
 * of the last row, base64url-encoded JSON, so clients cannot depend on its shape. The sort key is
 * computed by SQL (`sortKey` below) rather than in JS, because SQLite's lower() and JavaScript's
 * toLowerCase() disagree outside ASCII and a mismatched key would skip or repeat rows.
 */
import { z } from "zod";
import { and, eq, gt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { fromBase64Url, toBase64Url, utf8Bytes } from "../crypto/encoding";
import { validationFailed } from "../http/problem";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageQuery {
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The limit actually used: a default when absent, never above the cap, never below one. */
export function pageSize(limit?: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}

// [lower-cased name, id]; the bounds keep a forged cursor from smuggling large values into SQL.
const NameKey = z.tuple([z.string().max(400), z.string().max(64)]);
type NameKey = z.infer<typeof NameKey>;

function encodeNameCursor(sortKey: string, id: string): string {
  return toBase64Url(utf8Bytes(JSON.stringify([sortKey, id])));
}

function decodeNameCursor(cursor: string): NameKey {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(cursor)));
  } catch {
    raw = undefined;
  }
  const parsed = NameKey.safeParse(raw);
  if (!parsed.success) {
    throw validationFailed([{ field: "cursor", code: "invalid_cursor", message: "Use the nextCursor value of a previous page." }]);
  }
  return parsed.data;
}

/** Select this as `sortKey` in a name-ordered list; `toNamePage` strips it from the items. */
export const sortKey = (name: AnyColumn) => sql<string>`lower(${name})`;

/** ORDER BY for name-ordered lists; pair with `afterNameCursor` on the same columns. */
export const byName = (name: AnyColumn, id: AnyColumn): SQL[] => [sortKey(name), sql`${id}`];

/** The WHERE condition "after the cursor", or undefined on the first page. */
export function afterNameCursor(name: AnyColumn, id: AnyColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const [lastName, lastId] = decodeNameCursor(cursor);
  return or(gt(sql`lower(${name})`, lastName), and(eq(sql`lower(${name})`, lastName), gt(id, lastId)));
}

/** Cuts the `size + 1` rows a query fetched into one page and the cursor of the next (if any). */
export function toNamePage<T extends { id: string; sortKey: string }>(rows: T[], size: number): Page<Omit<T, "sortKey">> {
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  const items = page.map(({ sortKey: _key, ...item }) => item);
  return { items, nextCursor: rows.length > size && last ? encodeNameCursor(last.sortKey, last.id) : null };
}
