import { z } from "zod";

/** Bindings declared in wrangler.toml plus secrets from .dev.vars / `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  SCREENSHOTS: R2Bucket;
  WORKSPACE: DurableObjectNamespace;
  ASSETS: Fetcher;
  EMAIL?: SendEmail;
  ENVIRONMENT: string;
  APP_NAME: string;
  MAIL_FROM: string;
  TOKEN_SIGNING_KEY: string;
  PASSWORD_PEPPER: string;
  SCREENSHOT_KEK: string;
}

const secretsSchema = z.object({
  ENVIRONMENT: z.enum(["production", "development", "test"]),
  TOKEN_SIGNING_KEY: z.string().min(20, "TOKEN_SIGNING_KEY must be a private EC JWK (JSON)"),
  PASSWORD_PEPPER: z.string().min(32, "PASSWORD_PEPPER must be at least 32 characters"),
  SCREENSHOT_KEK: z.string().min(32, "SCREENSHOT_KEK must be 32 random bytes, base64"),
});

let checked: WeakSet<object> | undefined;

/**
 * Validates secrets once per isolate so a misconfigured deploy fails loudly on its first request
 * instead of minting unverifiable tokens or unpeppered hashes.
 */
export function assertEnv(env: Env): Env {
  checked ??= new WeakSet();
  if (checked.has(env)) return env;
  const parsed = secretsSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Worktrail is misconfigured: ${fields}. See .dev.vars.example.`);
  }
  checked.add(env);
  return env;
}

export const isDev = (env: Pick<Env, "ENVIRONMENT">) => env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
