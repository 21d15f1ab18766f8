import { describe, expect, it } from "vitest";
import type { Role } from "../../worker/db/schema";
import { roleWorld } from "../helpers/factory";
import { Browser } from "../helpers/http";
import { cspSafe, signedIn } from "./session";

/** The sidebar's nav links (hrefs under /w/<ws>) in the rendered page. */
function navLinks(html: string, ws: string): string[] {
  const nav = /<nav aria-label="Workspace"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
  return [...nav.matchAll(/href="\/w\/([^"]+)"/g)].map((m) => m[1]!.replace(ws, "").replace(/^\//, "") || "overview");
}

// What each role's sidebar must offer (PRODUCT.md roles through the authz table).
// Everyone has Time (their own timesheet), Live (the live board, in their time scope), Devices (their own agents) and Settings; without the General tab, Settings opens on Tracking.
const EXPECTED_NAV: Record<Role, string[]> = {
  owner: ["overview", "time", "live", "members", "teams", "clients", "projects", "audit", "devices", "settings"],
  executive: ["overview", "time", "live", "members", "teams", "clients", "projects", "audit", "devices", "settings"],
  team_manager: ["overview", "time", "live", "members", "teams", "clients", "projects", "devices", "settings/tracking"],
  project_manager: ["overview", "time", "live", "members", "teams", "clients", "projects", "devices", "settings/tracking"],
  employee: ["overview", "time", "live", "members", "teams", "clients", "projects", "devices", "settings/tracking"],
  project_viewer: ["overview", "time", "live", "members", "clients", "projects", "devices", "settings/tracking"],
};

describe("workspace shell and overview", () => {
  it("shows each role exactly the navigation its permissions allow", async () => {
    const w = await roleWorld();
    for (const role of Object.keys(EXPECTED_NAV) as Role[]) {
      const b = await signedIn(w.roles[role].userId);
      const res = await b.fetch(`/w/${w.ws}`);
      expect(res.status, role).toBe(200);
      const html = await res.text();
      expect(navLinks(html, w.ws), role).toEqual(EXPECTED_NAV[role]);
    }
  });

  it("renders the overview with the workspace, the member's role and the member count", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.project_viewer.userId);
    const res = await b.fetch(`/w/${w.ws}`);
    const html = await res.text();
    expect(html).toContain("<title>Acme Corp · Worktrail</title>");
    expect(html).toMatch(/<h1[^>]*>Acme Corp<\/h1>/);
    expect(html).toContain("Project viewer");
    expect(html).toMatch(/Active members<\/p><p class="stat-value">7<\/p>/); // six roles + employee2
    // The overview link is the active one; the logout form posts (never a GET link).
    expect(html).toMatch(/<a[^>]*class="nav-link active"[^>]*href="\/w\/[^"]+"|<a[^>]*href="\/w\/[^"]+"[^>]*class="nav-link active"/);
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/logout"/);
    // The switcher lists only this user's workspaces.
    expect(html).not.toContain(w.foreign.ws);
    const csp = cspSafe(html, res.headers.get("content-security-policy"));
    expect(csp.inlineStyles).toBe(0);
    expect(csp.scriptsWithoutNonce).toBe(0);
  });

  it("lists all of a member's workspaces in the switcher", async () => {
    const w = await roleWorld();
    // The outsider owns the foreign workspace; make them also an employee of Acme.
    const { ctx } = await import("../helpers/factory");
    const { members } = await import("../../worker/db/schema");
    await ctx().db.insert(members).values({ id: crypto.randomUUID(), workspaceId: w.ws, userId: w.foreign.owner.userId, role: "employee", displayName: "Out Sider" });
    const b = await signedIn(w.foreign.owner.userId);
    const html = await (await b.fetch(`/w/${w.ws}`)).text();
    const switcher = /<nav aria-label="Your workspaces"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
    expect(switcher).toContain(`href="/w/${w.ws}"`);
    expect(switcher).toContain(`href="/w/${w.foreign.ws}"`);
    expect(switcher).toContain("Other Inc");
  });

  it("answers 404 (not 403) for a workspace the user is not in, and for a malformed id", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.owner.userId);
    for (const path of [`/w/${w.foreign.ws}`, "/w/not-a-uuid", `/w/${crypto.randomUUID()}`]) {
      const res = await b.fetch(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain("Page not found");
      expect(html).toContain('href="/"');
      expect(html).not.toContain("Other Inc");
    }
  });

  it("sends signed-out visitors to the login page with a return path", async () => {
    const w = await roleWorld();
    const res = await new Browser().fetch(`/w/${w.ws}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/w/${w.ws}`)}`);
  });

  it("renders an unknown page as a styled 404 with a link home", async () => {
    const res = await new Browser().fetch("/definitely/not/here");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('class="error-code">404');
    expect(html).toContain("<title>404 · Worktrail</title>");
    // The root loader still ran, so the page's scripts carry the CSP nonce and it can hydrate.
    const csp = cspSafe(html, res.headers.get("content-security-policy"));
    expect(csp.scriptsWithoutNonce).toBe(0);
    expect(csp.inlineStyles).toBe(0);
  });
});
