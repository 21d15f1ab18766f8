// Shared by scripts/e2e.mjs and scripts/agent-e2e.mjs: the end-to-end runs serve the Worker from a
// snapshot of its sources, the web build and the migrations, because wrangler dev reloads whenever
// its sources change and a rebuild empties build/ for a moment, which kills it. Editing or
// rebuilding while the tests run therefore cannot disturb them.
import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { bin, isPortFree, ROOT, run } from "./dev-server.mjs";

/** What `wrangler dev` needs to bundle and serve the Worker (web/ for load-context.ts). */
export const SNAPSHOT_ENTRIES = ["wrangler.toml", "package.json", "tsconfig.json", "tsconfig.base.json", "worker", "web", "build", "migrations"];

/**
 * Copies the app's `entries` into appDir (node_modules linked, not copied) and checks the build is
 * whole. The benchmarks pass their own list (bench/ holds their Worker and config).
 */
export function snapshotApp(appDir, entries = SNAPSHOT_ENTRIES) {
  mkdirSync(appDir, { recursive: true });
  for (const entry of entries) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(appDir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(appDir, "node_modules"), "dir");
  if (!existsSync(join(appDir, "build", "server", "index.js")) || !existsSync(join(appDir, "build", "client"))) {
    throw new Error("The web build is incomplete (was it being rebuilt?). Run npm run build and try again.");
  }
}

/** Builds the web app when there is no build yet; an existing build is used as it is. */
export async function ensureWebBuild() {
  if (!existsSync(join(ROOT, "build", "server", "index.js"))) {
    console.log("• No web build yet: running remix vite:build");
    await run(bin("remix"), ["vite:build"]);
  } else {
    console.log("• Using the existing web build (npm test rebuilds it; otherwise run npm run build after changes)");
  }
}

/** Applies the D1 migrations of the snapshot in appDir to a local database under persistDir. */
export function applyMigrations(appDir, persistDir) {
  return run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], { cwd: appDir });
}

/** The first port in [from, to) nobody listens on. */
export async function firstFreePort(from, to) {
  for (let port = from; port < to; port++) if (await isPortFree(port)) return port;
  throw new Error(`No free port between ${from} and ${to - 1}`);
}
