import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

// Remix lives in web/; `remix vite:build` writes build/client (served by [assets]) and
// build/server/index.js (imported by worker/index.ts). The dev proxy plugin is left out on
// purpose: `wrangler dev` runs the real Worker (TOOLCHAIN.md, P7).
export default defineConfig({
  plugins: [
    remix({
      appDirectory: "web/app",
      buildDirectory: "build",
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { mainFields: ["browser", "module", "main"], alias: { "~": new URL("./web/app", import.meta.url).pathname } },
  ssr: { resolve: { conditions: ["workerd", "worker", "browser"], externalConditions: ["workerd", "worker"] } },
  // Workers runtime modules (e.g. cloudflare:email, imported by services/mail.ts) exist only in
  // workerd: leave them as imports for wrangler's bundle instead of failing the SSR build.
  build: { rollupOptions: { external: [/^cloudflare:/] } },
});
