/**
 * The Remix load context: the same ServiceContext and principal the API uses, so loaders and actions
 * call services in-process and pass through the same authz module (DESIGN.md).
 */
import type { Context } from "hono";
import type { Principal } from "../worker/authz/actor";
import type { Env } from "../worker/env";
import type { ServiceContext } from "../worker/services/context";
import type { AppEnv } from "../worker/routes/_shared";

export interface WorktrailLoadContext {
  [key: string]: unknown;
  env: Env;
  ctx: ServiceContext;
  principal: Principal | null;
  cspNonce: string;
  requestId: string;
}

declare module "@remix-run/cloudflare" {
  interface AppLoadContext extends WorktrailLoadContext {}
  interface Future {
    v3_singleFetch: true;
  }
}

export function getLoadContext(c: Context<AppEnv>): WorktrailLoadContext {
  return {
    env: c.env,
    ctx: c.get("ctx"),
    principal: c.get("principal"),
    cspNonce: c.get("cspNonce"),
    requestId: c.get("requestId"),
  };
}
