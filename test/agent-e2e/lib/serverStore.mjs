// What the server actually stored, read from the Workspace Durable Object's SQLite file in the
// stack's persist dir. The public API answers a member's day with entries, slot totals and app
// totals, but not with usage span titles or slot ids, and "exactly once, same ids" needs both. Read
// with Debian's sqlite3 CLI (Node 20 has no node:sqlite), read-only, after the stack has stopped.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const Entry = z.object({ id: z.string(), start_ms: z.number(), end_ms: z.number().nullable(), rev: z.number(), deleted_at: z.number().nullable(), device_id: z.string().nullable() });
const Slot = z.object({ id: z.string(), slot_start_ms: z.number(), tracked_s: z.number(), active_s: z.number(), rev: z.number() });
const Usage = z.object({ id: z.string(), app: z.string(), title: z.string().nullable(), url: z.string().nullable(), start_ms: z.number(), end_ms: z.number() });
const Shot = z.object({ id: z.string(), taken_at_ms: z.number(), app: z.string().nullable(), deleted_at: z.number().nullable() });

async function query(file, sql, schema) {
  const { stdout } = await run("sqlite3", ["-readonly", "-json", file, sql], { maxBuffer: 64 * 1024 * 1024 });
  // sqlite3 prints nothing at all (not "[]") for an empty result.
  return stdout.trim() ? z.array(schema).parse(JSON.parse(stdout)) : [];
}

/** The Workspace objects' database files (one per workspace; metadata.sqlite is miniflare's). */
function objectFiles(persistDir) {
  const dir = join(persistDir, "v3", "do", "worktrail-WorkspaceObject");
  return readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").map((f) => join(dir, f));
}

/** Every entry, slot, usage span and screenshot the server holds for the member, in start order. */
export async function readServerStore(persistDir, memberId) {
  if (!UUID.test(memberId)) throw new Error(`Not a member id: ${memberId}`);
  const where = `where member_id = '${memberId}'`;
  const out = { entries: [], slots: [], usage: [], shots: [] };
  for (const file of objectFiles(persistDir)) {
    const tables = await query(file, "select name from sqlite_master where type = 'table'", z.object({ name: z.string() }));
    if (!tables.some((t) => t.name === "usage_spans")) continue;
    out.entries.push(...await query(file, `select id, start_ms, end_ms, rev, deleted_at, device_id from time_entries ${where} order by start_ms`, Entry));
    out.slots.push(...await query(file, `select id, slot_start_ms, tracked_s, active_s, rev from activity_slots ${where} order by slot_start_ms`, Slot));
    out.usage.push(...await query(file, `select id, app, title, url, start_ms, end_ms from usage_spans ${where} order by start_ms`, Usage));
    out.shots.push(...await query(file, `select id, taken_at_ms, app, deleted_at from screenshots ${where} order by taken_at_ms`, Shot));
  }
  return out;
}
