import { defineConfig } from "vitest/config";

// The desktop agent's core runs in Node (and in Electron's main process), so its tests run in Node,
// not in workerd like the Worker's (vitest.config.mts).
export default defineConfig({
  test: {
    include: ["desktop/test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
  },
});
