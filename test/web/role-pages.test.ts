/**
 * The web door goes through the same authz as the API: each role's pages show exactly its scope,
 * and pages it may not open answer 404.
 */
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../worker/db/schema";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { createSession } from "../../worker/services/sessions";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { Browser } from "../helpers/http";

async function browserAs(userId: string) {
  const t = await createSession(ctx(), userId, "browser", ["pwd"]);
  const b = new Browser();
  b.cookies.set(ACCESS_COOKIE, t.accessToken);
  b.cookies.set(REFRESH_COOKIE, t.refreshToken);
  return b;
}

const visibleMembers: Record<Role, (w: RoleWorld) => string[]> = {
  owner: (w) => [...Object.values(w.roles).map((p) => p.email), w.employee2.email],
  executive: (w) => [...Object.values(w.roles).map((p) => p.email), w.employee2.email],
  project_manager: (w) => [...Object.values(w.roles).map((p) => p.email), w.employee2.email],
  team_manager: (w) => [w.roles.team_manager.email, w.roles.employee.email],
  employee: (w) => [w.roles.employee.email],
  project_viewer: (w) => [w.roles.project_viewer.email],
};

describe("web pages per role", () => {
  it.each(ROLES)("%s sees exactly their members on the members page", async (role) => {
    const w = await roleWorld();
    const b = await browserAs(w.roles[role].userId);
    const res = await b.fetch(`/w/${w.ws}/members`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const everyone = [...Object.values(w.roles).map((p) => p.email), w.employee2.email];
    const expected = new Set(visibleMembers[role](w));
    for (const email of everyone) expect(html.includes(email), `${role} / ${email}`).toBe(expected.has(email));
    expect(html.includes("Send invitation")).toBe(role === "owner" || role === "executive");
  });

  it.each(ROLES)("%s: audit log and settings pages only for owners/executives; foreign workspace is 404", async (role) => {
    const w = await roleWorld();
    const b = await browserAs(w.roles[role].userId);
    const admin = role === "owner" || role === "executive";
    expect((await b.fetch(`/w/${w.ws}/audit`)).status).toBe(admin ? 200 : 404);
    expect((await b.fetch(`/w/${w.ws}/settings`)).status).toBe(admin ? 200 : 404);
    expect((await b.fetch(`/w/${w.foreign.ws}`)).status).toBe(404);
  });

  it("signed-out visitors are sent to the login page with a return path", async () => {
    const w = await roleWorld();
    const res = await new Browser().fetch(`/w/${w.ws}/members`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/w/${w.ws}/members`)}`);
  });

  it("an executive invites through the members form; a cross-site form post is refused", async () => {
    const w = await roleWorld();
    const b = await browserAs(w.roles.executive.userId);
    const ok = await b.fetch(`/w/${w.ws}/members`, { method: "POST", form: { intent: "invite", email: "web.invite@example.test", role: "employee" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Invitation sent to web.invite@example.test");
    const forged = await b.fetch(`/w/${w.ws}/members`, {
      method: "POST", form: { intent: "invite", email: "forged@example.test", role: "employee" }, headers: { origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
  });
});

describe("member profile page", () => {
  it("a member edits their own display name, time zone and schedule; an out-of-scope profile is 404", async () => {
    const w = await roleWorld();
    const b = await browserAs(w.roles.employee.userId);
    const path = `/w/${w.ws}/members/${w.roles.employee.memberId}`;
    const res = await b.fetch(path, { method: "POST", form: { displayName: "Emma Stone", timeZone: "Europe/Paris", mon_start: "09:00", mon_end: "17:30" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Profile saved.");
    const page = await (await b.fetch(path)).text();
    expect(page).toContain("Emma Stone");
    expect(page).toContain('value="17:30"');
    const bad = await b.fetch(path, { method: "POST", form: { displayName: "", timeZone: "Nowhere/X", mon_start: "25:00" } });
    expect(bad.status).toBe(422);
    expect((await b.fetch(`/w/${w.ws}/members/${w.employee2.memberId}`)).status).toBe(404);
    // Another member's profile cannot be changed by a team manager (403 from the service).
    const tm = await browserAs(w.roles.team_manager.userId);
    expect((await tm.fetch(path, { method: "POST", form: { displayName: "Hacked", timeZone: "UTC" } })).status).toBe(403);
  });
});

describe("member access controls on the profile page", () => {
  it("an owner deactivates (the member's open session ends) and removes a member there; a team manager sees no such controls", async () => {
    const w = await roleWorld();
    const emp = await browserAs(w.roles.employee.userId);
    expect((await emp.fetch(`/w/${w.ws}/members`)).status).toBe(200);
    const path = `/w/${w.ws}/members/${w.roles.employee.memberId}`;
    const tm = await browserAs(w.roles.team_manager.userId);
    expect(await (await tm.fetch(path)).text()).not.toContain("Deactivate");
    expect((await tm.fetch(path, { method: "POST", form: { intent: "deactivate" } })).status).toBe(403);
    const owner = await browserAs(w.roles.owner.userId);
    const off = await owner.fetch(path, { method: "POST", form: { intent: "deactivate" } });
    expect(await off.text()).toContain("Member deactivated");
    const after = await emp.fetch(`/w/${w.ws}/members`);
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toContain("/login");
    const removed = await owner.fetch(path, { method: "POST", form: { intent: "remove" } });
    expect(removed.status).toBe(302);
    expect((await owner.fetch(path)).status).toBe(404);
  });
});
