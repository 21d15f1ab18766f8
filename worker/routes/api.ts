/** Mounts every API router under /api and publishes the OpenAPI 3.1 document generated from them. */
import { newRouter } from "./_shared";
import { health } from "./health";
import { renderDocsPage } from "./docs";
import { authRoutes } from "./auth";
import { accountRoutes } from "./account";
import { workspaceRoutes } from "./workspaces";
import { memberRoutes } from "./members";
import { invitationRoutes } from "./invitations";
import { teamRoutes } from "./teams";
import { clientRoutes } from "./clients";
import { projectRoutes } from "./projects";
import { taskRoutes } from "./tasks";
import { auditRoutes } from "./audit";
import { devRoutes } from "./dev";
import { agentRoutes } from "./agent";
import { trackingSettingsRoutes } from "./trackingSettings";
import { deviceRoutes } from "./devices";
import { timeRoutes } from "./time";
import { screenshotRoutes } from "./screenshots";

export const api = newRouter();

api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
api.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", { type: "apiKey", in: "cookie", name: "__Host-wt_at" });

api.route("/", health);
for (const r of [authRoutes, accountRoutes, workspaceRoutes, memberRoutes, invitationRoutes, teamRoutes, clientRoutes, projectRoutes, taskRoutes, auditRoutes, devRoutes, agentRoutes, trackingSettingsRoutes, deviceRoutes, screenshotRoutes, timeRoutes]) {
  api.route("/v1", r);
}

const documentConfig = {
  openapi: "3.1.0",
  info: {
    title: "Worktrail API",
    version: "1.0.0",
    description: "Errors are application/problem+json (RFC 9457) with a stable `code` and field `errors`. Ids are UUIDv7. Record timestamps in responses (createdAt, joinedAt, at, expiresAt…) are epoch milliseconds; tracking times (time entries, timer, timesheets, agent batches) are ISO 8601 strings in UTC.",
  },
  servers: [{ url: "/api" }],
};
api.doc31("/openapi.json", documentConfig);

// A reference page rendered on the server from the same document (no third-party script, strict CSP).
let docsHtml: string | undefined;
api.get("/docs", (c) => c.html((docsHtml ??= renderDocsPage(api.getOpenAPI31Document(documentConfig)))));
