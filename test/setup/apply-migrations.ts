import { applyD1Migrations, env } from "cloudflare:test";

// Runs before each test file: the real drizzle-kit migrations on the test D1 (idempotent).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
