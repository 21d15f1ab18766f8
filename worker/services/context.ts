import type { Env } from "../env";
import { createDb, type Db } from "../db/client";

/**
 * What every use-case needs besides the actor: storage, secrets, the clock and request facts for
 * the audit log. Built once per request for the API (app.ts) and the web (web/load-context.ts).
 */
export interface ServiceContext {
  env: Env;
  db: Db;
  now: () => number;
  ip: string | null;
  userAgent: string | null;
  /** Absolute origin used in links we email (e.g. http://localhost:8787). */
  origin: string;
  waitUntil: (p: Promise<unknown>) => void;
}

export function createServiceContext(env: Env, request: Request, waitUntil?: (p: Promise<unknown>) => void): ServiceContext {
  const url = new URL(request.url);
  return {
    env,
    db: createDb(env.DB),
    now: () => Date.now(),
    ip: request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip") ?? null,
    userAgent: request.headers.get("user-agent")?.slice(0, 300) ?? null,
    origin: url.origin,
    waitUntil: waitUntil ?? ((p) => void p.catch(() => {})),
  };
}
