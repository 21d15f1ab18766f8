/**
 * Shared pieces for route modules: the typed router (validation failures become problem+json
 * with field errors), principal/actor guards, and common OpenAPI schemas.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor, Principal } from "../authz/actor";
import type { Env } from "../env";
import { unauthorized, validationFailed, zodFieldErrors } from "../http/problem";
import type { AppVariables } from "../http/session-middleware";
import { loadActor } from "../services/actor";

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type AppContext = Context<AppEnv>;

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(zodFieldErrors(result.error.issues));
    },
  });
}

export function requirePrincipal(c: AppContext): Principal {
  const p = c.get("principal");
  if (!p) throw unauthorized();
  return p;
}

/** The caller as a member of the workspace in the `workspaceId` path parameter (404 if not a member). */
export async function requireActor(c: AppContext): Promise<Actor> {
  return loadActor(c.get("ctx"), requirePrincipal(c), c.req.param("workspaceId") ?? "");
}

export const ProblemSchema = z.object({
  type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
}).openapi("Problem");

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });

/** Standard error responses for documentation. */
export const errorResponses = {
  400: problem("Malformed request"),
  401: problem("Not signed in"),
  403: problem("Not allowed for this role"),
  404: problem("Not found or not visible to the caller"),
  409: problem("Conflict with current state"),
  413: problem("Body too large"),
  422: problem("Invalid fields"),
  429: problem("Too many requests"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description, content: { "application/json": { schema } },
});
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true as const, content: { "application/json": { schema } },
});

export const Id = z.string().uuid();
export const WorkspaceParams = z.object({ workspaceId: z.string().openapi({ param: { name: "workspaceId", in: "path" }, example: "0193f1f2-0000-7000-8000-000000000000" }) });
export const workspaceAndId = <K extends string>(name: K) =>
  WorkspaceParams.extend({ [name]: z.string().max(64).openapi({ param: { name, in: "path" } }) } as Record<K, z.ZodString>);

export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
