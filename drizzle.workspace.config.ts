import { defineConfig } from "drizzle-kit";

// The Workspace Durable Object's own SQLite: tracking records and live board state.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./worker/workspace/schema.ts",
  out: "./worker/workspace/migrations",
});
