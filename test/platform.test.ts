import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("platform", () => {
  it("serves /api/health from D1", async () => {
    const res = await SELF.fetch("http://localhost/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, db: true });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers unknown API routes with problem+json", async () => {
    const res = await SELF.fetch("http://localhost/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "not_found", status: 404 });
  });

  it("renders the web app with a nonce-based CSP", async () => {
    const res = await SELF.fetch("http://localhost/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await res.text();
    // Every inline script carries this response's nonce.
    const scripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s[1]).toContain(`nonce="${nonce}"`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("migrates the Workspace Durable Object's own SQLite", async () => {
    const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName("platform-test")) as DurableObjectStub<import("../worker/workspace/WorkspaceObject").WorkspaceObject>;
    expect(await stub.tables()).toContain("presence");
  });

  it("answers /live without a WebSocket upgrade with 426, and unknown /live paths with 404 (test/live covers the board)", async () => {
    expect((await SELF.fetch("http://localhost/live/x")).status).toBe(426);
    expect((await SELF.fetch("http://localhost/live/x/y")).status).toBe(404);
  });
});

describe("security headers and API description", () => {
  it("sets strict headers on pages and API responses", async () => {
    for (const path of ["/", "/api/health", "/api/v1/nope"]) {
      const res = await SELF.fetch(`http://localhost${path}`);
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
    const page = await SELF.fetch("http://localhost/");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("publishes an OpenAPI 3.1 document and a reference page generated from it", async () => {
    const res = await SELF.fetch("http://localhost/api/openapi.json");
    const doc = await res.json<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/workspaces", "/v1/workspaces/{workspaceId}/members", "/health"]));
    expect(doc.components.schemas).toHaveProperty("Problem");
    const docs = await SELF.fetch("http://localhost/api/docs");
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain("/api/v1/workspaces/{workspaceId}/invitations");
    expect(html).not.toMatch(/<script/i);
    // An HTML answer under /api keeps a real nonce: an empty 'nonce-' is an invalid source browsers report.
    expect(docs.headers.get("content-security-policy")).toMatch(/'nonce-[A-Za-z0-9_-]{16,}'/);
  });

  it("gives /api/v1 answers the no-content CSP, without a nonce", async () => {
    const res = await SELF.fetch("http://localhost/api/v1/workspaces");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("housekeeping cron", () => {
  it("drops expired sessions, email tokens and stale throttle counters", async () => {
    const { createDb } = await import("../worker/db/client");
    const { loginThrottle, sessions, users } = await import("../worker/db/schema");
    const { runHousekeeping } = await import("../worker/services/housekeeping");
    const db = createDb(env.DB);
    const now = Date.now();
    await db.insert(users).values({ id: "hk-user", email: "hk@example.test", name: "hk", passwordHash: "x" });
    await db.insert(sessions).values([
      { id: "hk-old", userId: "hk-user", kind: "api", expiresAt: now - 3 * 86400_000 },
      { id: "hk-live", userId: "hk-user", kind: "api", expiresAt: now + 86400_000 },
    ]);
    await db.insert(loginThrottle).values([{ key: "ip:hk-old", failures: 3, updatedAt: now - 2 * 86400_000 }, { key: "ip:hk-new", failures: 1, updatedAt: now }]);
    await runHousekeeping(env, now);
    expect((await db.select().from(sessions)).map((s) => s.id)).toContain("hk-live");
    expect((await db.select().from(sessions)).map((s) => s.id)).not.toContain("hk-old");
    expect((await db.select().from(loginThrottle)).map((t) => t.key)).toEqual(["ip:hk-new"]);
  });
});
