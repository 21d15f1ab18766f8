import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the real D1, R2 and Durable Object implementations,
// on the real migrations (applied in test/setup/apply-migrations.ts).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: "test",
            // Test-only secrets: fixed values so failures are reproducible. Never used outside tests.
            PASSWORD_PEPPER: "test-pepper-0123456789abcdef0123456789abcdef",
            SCREENSHOT_KEK: "dGVzdC1rZWstMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY=",
            TOKEN_SIGNING_KEY: JSON.stringify({
              kty: "EC", crv: "P-256", alg: "ES256", kid: "test-key-1",
              x: "2ZpnsZeO1YhUbimWWwBdTF7LmYEmen_f5UvhyXHYyos",
              y: "-IN_er7PmqX2TWVdL6ib6O1ez_EuAKPWDEyUWWp0g_w",
              d: "BgVWCH-CRR2-sH6VzEJu_EniBu-jjhr675toCBC2dgI",
            }),
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      deps: { optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare"] } } },
      testTimeout: 30_000,
    },
  };
});
