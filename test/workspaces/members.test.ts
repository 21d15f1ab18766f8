import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, devices, members, sessions } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";

const path = (ws: string, rest = "") => `/api/v1/workspaces/${ws}/members${rest}`;
const ids = (body: { items: { id: string }[] }) => body.items.map((m) => m.id).sort();

describe("members", () => {
  it("lists exactly the members in each role's scope", async () => {
    const w = await roleWorld();
    const all = ids((await api(w.roles.owner.token, "GET", path(w.ws))).body);
    expect(all).toHaveLength(7);
    expect(ids((await api(w.roles.executive.token, "GET", path(w.ws))).body)).toEqual(all);
    expect(ids((await api(w.roles.project_manager.token, "GET", path(w.ws))).body)).toEqual(all);
    expect(ids((await api(w.roles.team_manager.token, "GET", path(w.ws))).body)).toEqual([w.roles.team_manager.memberId, w.roles.employee.memberId].sort());
    expect(ids((await api(w.roles.employee.token, "GET", path(w.ws))).body)).toEqual([w.roles.employee.memberId]);
    expect(ids((await api(w.roles.project_viewer.token, "GET", path(w.ws))).body)).toEqual([w.roles.project_viewer.memberId]);
  });

  it("paginates with a cursor", async () => {
    const w = await roleWorld();
    const first = await api(w.roles.owner.token, "GET", path(w.ws, "?limit=4"));
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await api(w.roles.owner.token, "GET", path(w.ws, `?limit=4&cursor=${first.body.nextCursor}`));
    expect(second.body.items).toHaveLength(3);
    expect(second.body.nextCursor).toBeNull();
    expect((await api(w.roles.owner.token, "GET", path(w.ws, "?limit=1000"))).status).toBe(422);
  });

  it("changes roles within the rules and audits them", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.executive.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), { role: "team_manager" });
    expect(r.status).toBe(200);
    expect(r.body.role).toBe("team_manager");
    const exOwner = await api(w.roles.executive.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), { role: "owner" });
    expect(exOwner.status).toBe(403);
    expect(exOwner.body.code).toBe("role_not_assignable");
    const lastOwner = await api(w.roles.owner.token, "PATCH", path(w.ws, `/${w.roles.owner.memberId}`), { role: "employee" });
    expect(lastOwner.status).toBe(403);
    expect(lastOwner.body.code).toBe("last_owner");
    const audit = await ctx().db.select().from(auditLog).where(eq(auditLog.chain, w.ws));
    expect(audit.filter((a) => a.action === "member.role_changed")).toHaveLength(1);
    expect(JSON.parse(audit.find((a) => a.action === "member.role_changed")!.data)).toEqual({ from: "employee", to: "team_manager" });
  });

  it("a role change takes effect on the member's very next request", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}/audit`)).status).toBe(403);
    await api(w.roles.owner.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), { role: "executive" });
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}/audit`)).status).toBe(200);
  });

  it("lets members edit their own profile but not others'", async () => {
    const w = await roleWorld();
    const self = await api(w.roles.employee.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), {
      displayName: "Emma", timeZone: "America/New_York", weeklySchedule: { mon: [["09:00", "17:00"]] },
    });
    expect(self.status, JSON.stringify(self.body)).toBe(200);
    expect(self.body).toMatchObject({ displayName: "Emma", timeZone: "America/New_York" });
    const other = await api(w.roles.team_manager.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), { displayName: "X" });
    expect(other.status).toBe(403);
    const badTz = await api(w.roles.employee.token, "PATCH", path(w.ws, `/${w.roles.employee.memberId}`), { timeZone: "Nowhere/City", weeklySchedule: { mon: [["25:00", "17:00"]] } });
    expect(badTz.status).toBe(422);
    expect(badTz.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(["timeZone", "weeklySchedule.mon.0.0"]));
  });

  it("deactivation cuts access at once: workspace requests 404, devices revoked, sessions revoked when it was their only workspace", async () => {
    const w = await roleWorld();
    const dev = newId();
    await ctx().db.insert(devices).values({ id: dev, workspaceId: w.ws, memberId: w.roles.employee.memberId, name: "laptop" });
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}`)).status).toBe(200);
    const r = await api(w.roles.owner.token, "POST", path(w.ws, `/${w.roles.employee.memberId}/deactivate`));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("deactivated");
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}`)).status).toBe(401);
    const [d] = await ctx().db.select().from(devices).where(eq(devices.id, dev));
    expect(d!.revokedAt).not.toBeNull();
    const live = await ctx().db.select().from(sessions).where(eq(sessions.userId, w.roles.employee.userId));
    expect(live.every((s) => s.revokedAt !== null)).toBe(true);
    // Reactivation restores membership (the person signs in again).
    expect((await api(w.roles.owner.token, "POST", path(w.ws, `/${w.roles.employee.memberId}/reactivate`))).body.status).toBe("active");
  });

  it("a member with another workspace keeps their sessions but loses this workspace immediately", async () => {
    const w = await roleWorld();
    const other = await roleWorld();
    await ctx().db.insert(members).values({ id: newId(), workspaceId: other.ws, userId: w.roles.employee.userId, role: "employee", displayName: "E" });
    await api(w.roles.owner.token, "POST", path(w.ws, `/${w.roles.employee.memberId}/deactivate`));
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}`)).status).toBe(404);
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${other.ws}`)).status).toBe(200);
  });

  it("executives cannot deactivate or remove owners; nobody removes the last owner or themselves", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.executive.token, "POST", path(w.ws, `/${w.roles.owner.memberId}/deactivate`));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("owner_protected");
    expect((await api(w.roles.executive.token, "DELETE", path(w.ws, `/${w.roles.owner.memberId}`))).status).toBe(403);
    expect((await api(w.roles.owner.token, "DELETE", path(w.ws, `/${w.roles.owner.memberId}`))).body.code).toBe("cannot_remove_self");
  });

  it("removes a member and their team/project links", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.owner.token, "DELETE", path(w.ws, `/${w.roles.employee.memberId}`))).status).toBe(204);
    expect(await ctx().db.select().from(members).where(eq(members.id, w.roles.employee.memberId))).toHaveLength(0);
    expect((await api(w.roles.owner.token, "GET", path(w.ws, `/${w.roles.employee.memberId}`))).status).toBe(404);
  });
});
