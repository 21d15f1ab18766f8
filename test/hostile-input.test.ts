/**
 * "No input produces a 500": every operation in the OpenAPI document is called with hostile path
 * parameters and bodies, as a signed-in owner. Each answer must be a 4xx/2xx, and errors must be
 * problem+json. New routes are covered automatically.
 */
import { describe, expect, it } from "vitest";
import { roleWorld } from "./helpers/factory";
import { api } from "./helpers/http";

const hostileParams = ["x", "..%2F..", "%00", "0".repeat(300), "00000000-0000-0000-0000-000000000000", "' OR 1=1 --"];
const hostileBodies: unknown[] = [
  "{", "[]", "null", "42", "\"str\"", { __proto__: { admin: true } }, { a: { b: { c: { d: { e: { f: [1, [2, [3]]] } } } } } },
  { name: "\u0000\u202e\ud83d\ude00", email: "a@b", role: "root", password: "x".repeat(300) },
  { name: ["array"], timeZone: 7, memberId: null, limit: -1 },
];

describe("hostile input never causes a 500", async () => {
  const doc = (await api(null, "GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path] as const));

  it("the OpenAPI document lists the API", () => {
    expect(ops.length).toBeGreaterThan(20);
  });

  it.each(ops)("%s %s", async (method, path) => {
    const w = await roleWorld();
    for (const p of hostileParams) {
      const url = "/api" + path.replace("{workspaceId}", w.ws).replace(/\{[^}]+\}/g, p);
      const bodies = method === "GET" || method === "HEAD" ? [undefined] : hostileBodies;
      for (const body of bodies) {
        const res = await api(w.roles.owner.token, method, url, body);
        expect(res.status, `${method} ${url} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get("content-type")).toContain("application/problem+json");
      }
      // Query strings that are nonsense for every list.
      if (method === "GET") {
        const res = await api(w.roles.owner.token, method, `${url}?limit=abc&cursor=${encodeURIComponent("'\"<>")}&status=__proto__`);
        expect(res.status).toBeLessThan(500);
      }
    }
  });
});
