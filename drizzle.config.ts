import { defineConfig } from "drizzle-kit";

// D1 control plane: accounts, workspaces, members, structure, audit. `npm run db:generate`.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
