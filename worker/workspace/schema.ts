/**
 * The Workspace Durable Object's own SQLite schema (drizzle durable-sqlite, separate migrations).
 * It will hold the workspace's tracking records and live board; for now the presence row of each member.
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const presence = sqliteTable("presence", {
  memberId: text("member_id").primaryKey(),
  state: text("state", { enum: ["offline", "tracking", "idle", "stopped"] }).notNull().default("offline"),
  lastHeartbeatAt: integer("last_heartbeat_at"),
  updatedAt: integer("updated_at").notNull(),
});
