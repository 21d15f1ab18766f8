#!/usr/bin/env node
// Bundles the headless agent (desktop/src/cli.ts and the core) into one ES module for plain Node:
// desktop/dist/worktrail-agent.mjs. Running the bundle instead of the TypeScript sources through
// tsx saves about 40 MB of memory (no compiler in the process) and the start-up compile; `npm run
// agent` builds it first (≈ 0.1 s). The Electron app is bundled the same way (desktop/README.md).
import { build } from "esbuild";
import { join } from "node:path";
import { ROOT } from "./lib/dev-server.mjs";

export const AGENT_BUNDLE = join(ROOT, "desktop", "dist", "worktrail-agent.mjs");
/**
 * How the bundle is run (package.json "agent" says the same): the agent allocates little per
 * second, and Node's default young generation (16 MB semi-spaces) only inflates its resident memory.
 */
export const AGENT_NODE_FLAGS = ["--max-semi-space-size=1"];

export async function buildAgent() {
  await build({
    entryPoints: [join(ROOT, "desktop", "src", "cli.ts")],
    outfile: AGENT_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Some dependencies still call require(); an ES module bundle has none of its own.
    banner: { js: "import { createRequire as __wtCreateRequire } from 'node:module'; const require = __wtCreateRequire(import.meta.url);" },
    logLevel: "warning",
  });
  return AGENT_BUNDLE;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAgent();
}
