import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CSP_HEADER, CSP_META, INDEX_URL, isAppUrl, resolveAppRequest } from "../src/main/appProtocol";

const root = resolve("/opt/worktrail/resources/app.asar/renderer");

describe("app:// renderer files", () => {
  it("maps our URLs to files inside the renderer directory with their type", () => {
    expect(resolveAppRequest(INDEX_URL, root)).toEqual({ path: join(root, "index.html"), contentType: "text/html; charset=utf-8" });
    expect(resolveAppRequest("app://renderer/", root)?.path).toBe(join(root, "index.html"));
    expect(resolveAppRequest("app://renderer/app.js?v=1#x", root)).toEqual({ path: join(root, "app.js"), contentType: "text/javascript; charset=utf-8" });
    expect(resolveAppRequest("app://renderer/styles.css", root)?.contentType).toBe("text/css; charset=utf-8");
  });

  it("never serves anything outside the renderer directory", () => {
    for (const url of [
      "app://renderer/../main.cjs",
      "app://renderer/%2e%2e/main.cjs",
      "app://renderer/%2E%2E%2Fmain.cjs",
      "app://renderer/..%2f..%2f..%2fetc%2fpasswd.html",
      "app://renderer/a/%2e%2e/%2e%2e/%2e%2e/x.js",
      "app://renderer/..%5cmain.js",
      "app://renderer/index.html%00.png",
      "app://renderer/%E0%A4%A",
    ]) {
      const r = resolveAppRequest(url, root);
      if (r !== null) expect(r.path.startsWith(root + "/"), url).toBe(true);
      expect(r === null || !r.path.includes(".."), url).toBe(true);
    }
    // The URL parser resolves dot segments (encoded or not) at the root: that stays inside.
    expect(resolveAppRequest("app://renderer/%2e%2e/main.js", root)?.path).toBe(join(root, "main.js"));
    // Encoded slashes survive the parser and become "../" only when decoded: refused.
    expect(resolveAppRequest("app://renderer/..%2f..%2f..%2fetc%2fpasswd.html", root)).toBeNull();
    expect(resolveAppRequest("app://renderer/%2E%2E%2Fapp.js", root)).toBeNull();
    expect(resolveAppRequest("app://renderer/..%5cmain.js", root)).toBeNull();
    expect(resolveAppRequest("app://renderer/index.html%00.png", root)).toBeNull();
  });

  it("serves only known file types, only for our host and scheme", () => {
    expect(resolveAppRequest("app://renderer/preload.cjs", root)).toBeNull();
    expect(resolveAppRequest("app://renderer/secrets.json", root)).toBeNull();
    expect(resolveAppRequest("app://other/index.html", root)).toBeNull();
    expect(resolveAppRequest("file:///opt/worktrail/resources/app.asar/renderer/index.html", root)).toBeNull();
    expect(resolveAppRequest("https://renderer/index.html", root)).toBeNull();
  });

  it("recognises our origin by parsing, not by prefix", () => {
    expect(isAppUrl("app://renderer/index.html")).toBe(true);
    expect(isAppUrl("app://renderer.attacker.com/index.html")).toBe(false);
    expect(isAppUrl("app://renderer:8080/index.html")).toBe(false);
    expect(isAppUrl("APP://RENDERER/index.html")).toBe(true); // schemes and hosts are case-insensitive
  });
});

describe("content security policy", () => {
  it("index.html carries the same policy as the protocol's header", async () => {
    const html = await readFile(new URL("../src/renderer/index.html", import.meta.url), "utf8");
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    expect(meta?.[1]).toBe(CSP_META);
    expect(CSP_HEADER.startsWith(CSP_META)).toBe(true);
  });

  it("allows no remote content, inline script or eval", () => {
    const directives = new Map(CSP_HEADER.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(CSP_HEADER).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it("the page loads only local files and has no inline script", async () => {
    const html = await readFile(new URL("../src/renderer/index.html", import.meta.url), "utf8");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
