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

  it("answers /live with 501 until the live board lands", async () => {
    const res = await SELF.fetch("http://localhost/live/x");
    expect(res.status).toBe(501);
  });
});
