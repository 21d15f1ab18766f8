import { SELF } from "cloudflare:test";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, members, workspaces } from "../../worker/db/schema";
import { addMember, createBareWorkspace, createUser, ctx } from "../helpers/factory";
import { Browser, ORIGIN } from "../helpers/http";
import { cspSafe, signedIn } from "./session";

async function workspaceCount() {
  const [row] = await ctx().db.select({ n: count() }).from(workspaces);
  return row?.n ?? 0;
}

describe("home page", () => {
  it("shows visitors a landing page with sign-in and sign-up links, CSP-clean", async () => {
    const res = await new Browser().fetch("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/signup"');
    expect(html).toContain('href="/login"');
    expect(html).not.toContain("Your workspaces");
    const csp = cspSafe(html, res.headers.get("content-security-policy"));
    expect(csp.nonce).toBeTruthy();
    expect(csp.inlineStyles).toBe(0);
    expect(csp.scriptsWithoutNonce).toBe(0);
  });

  it("lists every workspace of a signed-in user (even just one) and no one else's", async () => {
    const u = await createUser({ name: "Ada" });
    const mine = await createBareWorkspace("Ada's Lab");
    const other = await createBareWorkspace("Someone Else Ltd");
    await addMember(other, "owner");
    await ctx().db.insert(members).values({ id: crypto.randomUUID(), workspaceId: mine, userId: u.id, role: "team_manager", displayName: "Ada" });
    const b = await signedIn(u.id);
    const res = await b.fetch("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Your workspaces");
    expect(html).toContain(`href="/w/${mine}"`);
    expect(html).toContain("Ada&#x27;s Lab");
    expect(html).toContain("Team manager");
    expect(html).not.toContain(other);
    expect(html).not.toContain("Someone Else Ltd");
    // The create form is accessible: labelled inputs, posting to the index route.
    expect(html).toMatch(/<label[^>]*for="field-name"[^>]*>Workspace name/);
    expect(html).toMatch(/<label[^>]*for="field-timeZone"[^>]*>Time zone/);
    expect(html).toContain('value="Europe/Berlin"');
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/\?index"/);
  });

  it("creates a workspace owned by the user and redirects into it", async () => {
    const u = await createUser({ name: "Grace" });
    const b = await signedIn(u.id);
    const res = await b.fetch("/?index", { method: "POST", form: { name: "  Navy Labs  ", timeZone: "Asia/Tokyo" } });
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    const id = /^\/w\/([0-9a-f-]{36})$/.exec(location)?.[1];
    expect(id).toBeTruthy();
    const [ws] = await ctx().db.select().from(workspaces).where(eq(workspaces.id, id!));
    expect(ws).toMatchObject({ name: "Navy Labs", timeZone: "Asia/Tokyo" });
    const [m] = await ctx().db.select().from(members).where(eq(members.workspaceId, id!));
    expect(m).toMatchObject({ userId: u.id, role: "owner" });
    const audit = await ctx().db.select().from(auditLog).where(eq(auditLog.chain, id!));
    expect(audit.map((a) => a.action)).toContain("workspace.created");
    // The redirect target renders the new workspace for its owner.
    const page = await b.fetch(location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Navy Labs");
  });

  it("uses the account's time zone when none is chosen", async () => {
    const u = await createUser();
    const b = await signedIn(u.id);
    const res = await b.fetch("/?index", { method: "POST", form: { name: "Default TZ", timeZone: "" } });
    expect(res.status).toBe(302);
    const id = (res.headers.get("location") ?? "").slice(3);
    const [ws] = await ctx().db.select().from(workspaces).where(eq(workspaces.id, id));
    expect(ws?.timeZone).toBe("UTC");
  });

  it("rejects an empty name and an unknown time zone with field errors and creates nothing", async () => {
    const u = await createUser();
    const b = await signedIn(u.id);
    const before = await workspaceCount();

    const blank = await b.fetch("/?index", { method: "POST", form: { name: "   ", timeZone: "" } });
    expect(blank.status).toBe(422);
    const html = await blank.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*aria-describedby="field-name-error"[^>]*>|<input[^>]*aria-describedby="field-name-error"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="field-name-error"');

    const badZone = await b.fetch("/?index", { method: "POST", form: { name: "Valid", timeZone: "Mars/Olympus_Mons" } });
    expect(badZone.status).toBe(422);
    expect(await badZone.text()).toContain('id="field-timeZone-error"');

    const tooLong = await b.fetch("/?index", { method: "POST", form: { name: "x".repeat(121) } });
    expect(tooLong.status).toBe(422);

    expect(await workspaceCount()).toBe(before);
  });

  it("sends a signed-out POST to the login page and creates nothing", async () => {
    const before = await workspaceCount();
    const res = await new Browser().fetch("/?index", { method: "POST", form: { name: "Sneaky" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?next=/);
    expect(await workspaceCount()).toBe(before);
  });

  it("refuses a cross-site form post (CSRF) and creates nothing", async () => {
    const u = await createUser();
    const b = await signedIn(u.id);
    const before = await workspaceCount();
    // Straight through SELF: the Browser helper would stamp our own Origin on the request.
    const res = await SELF.fetch(`${ORIGIN}/?index`, {
      method: "POST", redirect: "manual", body: new URLSearchParams({ name: "Forged" }),
      headers: { cookie: b.cookieHeader(), origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(403);
    expect(await workspaceCount()).toBe(before);
  });
});
