#!/usr/bin/env node
// The headless agent's command (package.json "bin"): runs desktop/src/cli.ts through tsx, which
// compiles the TypeScript core on the fly, so the repository needs no separate build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
