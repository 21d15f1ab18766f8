import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import type { Env } from "../env";
import migrations from "./migrations/migrations.js";
import * as schema from "./schema";

/**
 * One object per workspace (idFromName(workspaceId)). It is the single writer of that workspace's
 * tracking records and will host its live board (DESIGN.md). Access decisions are made by the
 * Worker's authz module and passed in; the object never decides who may see what.
 */
export class WorkspaceObject extends DurableObject<Env> {
  readonly db: DrizzleSqliteDODatabase<typeof schema>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    // Migrations run before any request reaches the object.
    ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
    });
  }

  /** Tables present in the object's SQLite (used by the platform tests to prove migrations ran). */
  async tables(): Promise<string[]> {
    return this.ctx.storage.sql
      .exec<{ name: string }>("select name from sqlite_master where type = 'table' and name not like '\\_%' escape '\\' order by name")
      .toArray()
      .map((r) => r.name);
  }

  /** Deletes everything the object holds (workspace deletion). */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  async fetch(_request: Request): Promise<Response> {
    // The live board (WebSocket, hibernation API) arrives with the live-board issue.
    return new Response(JSON.stringify({ type: "about:blank", title: "Not implemented", status: 501, code: "live_board_not_implemented" }), {
      status: 501,
      headers: { "content-type": "application/problem+json" },
    });
  }
}
