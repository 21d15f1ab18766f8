/**
 * Development-only endpoints (ENVIRONMENT "development" or "test"). In production every path under
 * /dev answers exactly like an unknown route, so a deployment does not even reveal that they exist.
 * Hidden from the OpenAPI document for the same reason.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { SeedTeamInput, seedTeam } from "../dev/bulkSeed";
import { seedDemo } from "../dev/seed";
import { isDev } from "../env";
import { notFound } from "../http/problem";
import { errorResponses, json, jsonBody, newRouter } from "./_shared";

export const devRoutes = newRouter();

// Scoped to /dev/* so the guard never touches the other routers mounted next to this one.
devRoutes.use("/dev/*", async (c, next) => {
  if (!isDev(c.env)) throw notFound("route");
  await next();
});

const DemoSeed = z.object({
  created: z.boolean(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  password: z.string(),
  logins: z.array(z.object({ email: z.string(), name: z.string(), role: z.enum(ROLES) })),
});

devRoutes.openapi(
  createRoute({
    method: "post", path: "/dev/seed", hide: true, tags: ["dev"],
    summary: "Create the demo workspace and its logins (idempotent; development only)",
    responses: { 200: json(DemoSeed, "Demo logins (created now or earlier)"), ...errorResponses },
  }),
  async (c) => c.json(await seedDemo(c.get("ctx")), 200),
);

const Login = z.object({ email: z.string(), name: z.string(), memberId: z.string() });
const SeededTeam = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  password: z.string().openapi({ description: "Every seeded account's password" }),
  owner: Login,
  teams: z.array(z.object({ id: z.string(), name: z.string(), manager: Login })),
  projects: z.array(z.object({ id: z.string(), name: z.string() })),
  members: z.array(Login.extend({ teamId: z.string(), projectId: z.string(), running: z.boolean() })),
});

devRoutes.openapi(
  createRoute({
    method: "post", path: "/dev/seed-team", hide: true, tags: ["dev"],
    summary: "Create a workspace with many members, teams and projects, and start their web timers (development only)",
    request: { body: jsonBody(SeedTeamInput) },
    responses: { 201: json(SeededTeam, "The new workspace and its logins"), ...errorResponses },
  }),
  async (c) => c.json(await seedTeam(c.get("ctx"), c.req.valid("json")), 201),
);
