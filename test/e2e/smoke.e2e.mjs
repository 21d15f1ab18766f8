// The running Worker end to end: page, health, API reference, security headers, dev seed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BASE_URL, launchBrowser, openPage } from "./lib/browser.mjs";

describe("smoke", () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  it("renders the home page in Chromium without console errors or CSP violations", async () => {
    const { context, page, problems } = await openPage(browser);
    const res = await page.goto("/");
    assert.equal(res?.status(), 200);
    assert.match(await page.title(), /Worktrail/);
    await page.waitForLoadState("networkidle");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("blocks an injected inline script, and the harness reports the violation", async () => {
    // Proves both the policy and the detector the other tests rely on for "no CSP violations".
    const { context, page, problems } = await openPage(browser);
    await page.goto("/");
    const ran = await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.head.append(s);
      return new Promise((resolve) => setTimeout(() => resolve(Boolean(Reflect.get(window, "__injected"))), 100));
    });
    assert.equal(ran, false, "the inline script must not run");
    await page.waitForTimeout(200);
    assert.ok(problems.some((p) => p.startsWith("csp: script-src")), `violation reported: ${JSON.stringify(problems)}`);
    await context.close();
  });

  it("answers /api/health with a reachable database", async () => {
    const res = await fetch(`${BASE_URL}/api/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body.db, true);
  });

  it("renders the API reference at /api/docs from the OpenAPI document", async () => {
    const { context, page, problems } = await openPage(browser);
    const res = await page.goto("/api/docs");
    assert.equal(res?.status(), 200);
    assert.match(await page.content(), /\/v1\/workspaces/);
    const doc = await (await fetch(`${BASE_URL}/api/openapi.json`)).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(Object.keys(doc.paths).length > 10, "the document lists the API");
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith("/v1/dev")), "dev-only routes stay out of the document");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("sends the security headers on a page response", async () => {
    const res = await fetch(`${BASE_URL}/`);
    const h = (name) => res.headers.get(name) ?? "";
    const csp = h("content-security-policy");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9_-]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(h("x-content-type-options"), "nosniff");
    assert.equal(h("x-frame-options"), "DENY");
    assert.match(h("strict-transport-security"), /max-age=\d+/);
    assert.equal(h("referrer-policy"), "strict-origin-when-cross-origin");
    assert.ok(h("x-request-id"), "every response carries a request id");
    // Each response gets its own nonce.
    const again = (await fetch(`${BASE_URL}/`)).headers.get("content-security-policy");
    assert.notEqual(again, csp);
  });

  it("seeds the demo workspace once and signs its owner in", async () => {
    const seed = async () => {
      const res = await fetch(`${BASE_URL}/api/v1/dev/seed`, { method: "POST" });
      assert.equal(res.status, 200, "the dev seed endpoint is mounted and ENVIRONMENT is development");
      return res.json();
    };
    const first = await seed();
    const second = await seed();
    assert.equal(second.created, false);
    assert.equal(second.workspace.id, first.workspace.id);
    assert.deepEqual(second.logins, first.logins);
    assert.deepEqual(new Set(first.logins.map((l) => l.role)),
      new Set(["owner", "executive", "team_manager", "project_manager", "employee", "project_viewer"]));
    const owner = first.logins.find((l) => l.role === "owner");
    const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: owner.email, password: first.password }),
    });
    assert.equal(login.status, 200);
    const { accessToken } = await login.json();
    const ws = await fetch(`${BASE_URL}/api/v1/workspaces/${first.workspace.id}`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(ws.status, 200);
    assert.equal((await ws.json()).myRole, "owner");
  });
});
