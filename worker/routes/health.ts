import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { json, newRouter } from "./_shared";

export const health = newRouter();

health.openapi(
  createRoute({
    method: "get", path: "/health", tags: ["meta"], summary: "Liveness and database reachability",
    responses: { 200: json(z.object({ ok: z.boolean(), db: z.boolean(), time: z.string() })) },
  }),
  async (c) => {
    let db = false;
    try { await c.get("ctx").db.run(sql`select 1`); db = true; } catch { db = false; }
    return c.json({ ok: db, db, time: new Date().toISOString() }, 200);
  },
);
