/**
 * The devices page: who sees which agents (own; owners and executives all), the one-time code to
 * connect the desktop app (only roles that record time), and revocation through the page with the
 * same scope as the API (someone else's device is 404 for a member).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { devices } from "../../worker/db/schema";
import { DEVICE_IDLE_EXPIRY_MS } from "../../worker/services/tracking/agentAuth";
import { api } from "../helpers/http";
import { db } from "../tracking-d1/support";
import { ROLES, type Role } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { register } from "../tracking-d1/support";
import { auditOf, connectAgent, deviceRow, mainOf, page, signedIn } from "./support";

const path = (w: RoleWorld) => `/w/${w.ws}/devices`;

/** One agent each for the employee, employee2, the owner and the foreign owner, under telling names. */
async function agents(w: RoleWorld) {
  return {
    employee: await connectAgent(w.roles.employee, w.ws, "Emp laptop"),
    employee2: await connectAgent(w.employee2, w.ws, "Emp2 desktop"),
    owner: await connectAgent(w.roles.owner, w.ws, "Owner mac"),
    foreign: await connectAgent(w.foreign.owner, w.foreign.ws, "Foreign box"),
  };
}

const VISIBLE: Record<Role, string[]> = {
  owner: ["Emp laptop", "Emp2 desktop", "Owner mac"],
  executive: ["Emp laptop", "Emp2 desktop", "Owner mac"],
  team_manager: [],
  project_manager: [],
  employee: ["Emp laptop"],
  project_viewer: [],
};

describe("devices page", () => {
  it.each(ROLES)("%s sees exactly their devices; the Connect card only for roles that record time", async (role) => {
    const w = await roleWorld();
    await agents(w);
    const main = mainOf(await page(await signedIn(w.roles[role].userId), path(w)));
    for (const name of ["Emp laptop", "Emp2 desktop", "Owner mac", "Foreign box"]) {
      expect(main.includes(name), `${role} / ${name}`).toBe(VISIBLE[role].includes(name));
    }
    expect(main.includes("Connect the desktop app"), role).toBe(role !== "project_viewer");
    // Revoke buttons exactly on the rows the reader may revoke.
    expect((main.match(/>Revoke<\/button>/g) ?? []).length, role).toBe(VISIBLE[role].length);
    if (VISIBLE[role].length) {
      expect(main).toContain("Linux 6.8");
      expect(main).toContain("1.2.3");
      expect(main).toContain("Signed in");
    }
    // Owners and executives see whose device it is.
    expect(main.includes(">Member<"), role).toBe(role === "owner" || role === "executive");
  });

  it("a device unused for 90 days shows as expired, here and in the API", async () => {
    const w = await roleWorld();
    const a = await agents(w);
    await db().update(devices).set({ lastSeenAt: Date.now() - DEVICE_IDLE_EXPIRY_MS - 3600_000 }).where(eq(devices.id, a.employee));
    const main = mainOf(await page(await signedIn(w.roles.owner.userId), path(w)));
    const row = (name: string) => main.slice(main.indexOf(name), main.indexOf("</tr>", main.indexOf(name)));
    expect(row("Emp laptop")).toContain("Expired");
    expect(row("Emp2 desktop")).not.toContain("Expired");
    const listed = await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/devices`);
    const byId = new Map((listed.body.items as { id: string; expiresAt: number }[]).map((d) => [d.id, d.expiresAt]));
    expect(byId.get(a.employee)).toBeLessThan(Date.now());
    expect(byId.get(a.employee2)).toBeGreaterThan(Date.now() + DEVICE_IDLE_EXPIRY_MS - 60_000);
  });

  it("Devices is in the sidebar for every role", async () => {
    const w = await roleWorld();
    for (const role of ROLES) {
      const html = await page(await signedIn(w.roles[role].userId), `/w/${w.ws}`);
      expect(html, role).toContain(`href="/w/${w.ws}/devices"`);
    }
  });

  it("issues a one-time code through the form, shown with its expiry and both commands, that signs an agent in once", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.employee.userId);
    const res = await b.fetch(path(w), { method: "POST", form: { intent: "code" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const code = /<span class="device-code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4})<\/span>/.exec(html)?.[1];
    expect(code).toBeDefined();
    expect(html).toContain(`npm run agent -- --server http://localhost --code ${code}`);
    expect(html).toContain("Sign in with a code");
    expect(html).toMatch(/Works once, until <time dateTime="[^"]+">[^<]+<\/time>/);

    const first = await register({ code: code! });
    expect(first.status).toBe(201);
    expect(first.body.memberId).toBe(w.roles.employee.memberId);
    expect((await register({ code: code! })).status).toBe(401);
    // The new device is on the member's page.
    expect(mainOf(await page(b, path(w)))).toContain("Test laptop");
  });

  it("a project viewer cannot get a code (403)", async () => {
    const w = await roleWorld();
    const res = await (await signedIn(w.roles.project_viewer.userId)).fetch(path(w), { method: "POST", form: { intent: "code" } });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toMatch(/class="device-code"/);
  });

  it("a member revokes their own device; someone else's is 404 for them; an owner revokes anyone's", async () => {
    const w = await roleWorld();
    const ids = await agents(w);
    const emp = await signedIn(w.roles.employee.userId);

    for (const id of [ids.employee2, ids.owner, ids.foreign, "not-a-uuid"]) {
      expect((await emp.fetch(path(w), { method: "POST", form: { intent: "revoke", id } })).status, id).toBe(404);
    }
    for (const id of [ids.employee2, ids.owner, ids.foreign]) expect((await deviceRow(id))!.revokedAt, id).toBeNull();

    const own = await emp.fetch(path(w), { method: "POST", form: { intent: "revoke", id: ids.employee } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("Device signed out.");
    expect((await deviceRow(ids.employee))!.revokedAt).not.toBeNull();
    // Gone from the default list, shown as signed out on request.
    expect(mainOf(await page(emp, path(w)))).not.toContain("Emp laptop");
    expect(mainOf(await page(emp, `${path(w)}?revoked=1`))).toMatch(/Emp laptop[\s\S]*Signed out/);

    const owner = await signedIn(w.roles.owner.userId);
    expect((await owner.fetch(path(w), { method: "POST", form: { intent: "revoke", id: ids.foreign } })).status).toBe(404);
    expect((await owner.fetch(path(w), { method: "POST", form: { intent: "revoke", id: ids.employee2 } })).status).toBe(200);
    expect((await deviceRow(ids.employee2))!.revokedAt).not.toBeNull();
    expect((await deviceRow(ids.foreign))!.revokedAt).toBeNull();
    expect(await auditOf(w.ws, "device.revoked")).toHaveLength(2);
  });
});
