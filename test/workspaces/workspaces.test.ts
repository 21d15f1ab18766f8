import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { devices, members, users, workspaces } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { createUser, ctx, roleWorld, tokenFor } from "../helpers/factory";
import { api } from "../helpers/http";

describe("workspaces", () => {
  it("creates a workspace with the creator as owner; a person switches between workspaces with different roles", async () => {
    const u = await createUser();
    const token = await tokenFor(u.id);
    const a = await api(token, "POST", "/api/v1/workspaces", { name: "Alpha", timeZone: "Europe/Berlin" });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: "Alpha", timeZone: "Europe/Berlin", role: "owner" });
    const other = await roleWorld();
    await ctx().db.insert(members).values({ id: newId(), workspaceId: other.ws, userId: u.id, role: "project_viewer", displayName: "U" });
    const list = await api(token, "GET", "/api/v1/workspaces");
    expect(list.status).toBe(200);
    const roles = Object.fromEntries(list.body.items.map((i: { name: string; role: string }) => [i.name, i.role]));
    expect(roles).toEqual({ Alpha: "owner", "Acme Corp": "project_viewer" });
    expect((await api(token, "GET", `/api/v1/workspaces/${other.ws}`)).body.myRole).toBe("project_viewer");
  });

  it("rejects bad input with problem+json and changes nothing", async () => {
    const u = await createUser();
    const token = await tokenFor(u.id);
    const count = async () => (await ctx().db.select().from(workspaces)).length;
    const before = await count();
    const malformed = await api(token, "POST", "/api/v1/workspaces", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/problem+json");
    const unknown = await api(token, "POST", "/api/v1/workspaces", { name: "X", plan: "free" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ field: "plan", code: "unknown_field" }));
    const types = await api(token, "POST", "/api/v1/workspaces", { name: 42, timeZone: "Mars/Olympus" });
    expect(types.status).toBe(422);
    expect(types.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["name", "timeZone"]);
    const tooLong = await api(token, "POST", "/api/v1/workspaces", { name: "x".repeat(121) });
    expect(tooLong.status).toBe(422);
    const huge = await api(token, "POST", "/api/v1/workspaces", { name: "y".repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe("payload_too_large");
    expect(await count()).toBe(before);
    const anon = await api(null, "POST", "/api/v1/workspaces", { name: "Anon" });
    expect(anon.status).toBe(401);
  });

  it("answers 404 for workspaces the caller is not in and for malformed ids", async () => {
    const w = await roleWorld();
    for (const id of [w.foreign.ws, "not-a-uuid", newId()]) {
      const r = await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${id}`);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
  });

  it("requires 2FA: owner must have it first, then members without it are refused", async () => {
    const w = await roleWorld();
    const refused = await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}`, { require2fa: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("two_factor_not_enabled");
    await ctx().db.update(users).set({ totpEnabledAt: Date.now(), totpSecret: "JBSWY3DPEHPK3PXP" }).where(eq(users.id, w.roles.owner.userId));
    const ownerToken = await tokenFor(w.roles.owner.userId, ["pwd", "otp"]);
    expect((await api(ownerToken, "PATCH", `/api/v1/workspaces/${w.ws}`, { require2fa: true })).status).toBe(200);
    const emp = await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}/members`);
    expect(emp.status).toBe(403);
    expect(emp.body.code).toBe("two_factor_required");
    expect((await api(ownerToken, "GET", `/api/v1/workspaces/${w.ws}/members`)).status).toBe(200);
  });

  it("transfers ownership and steps the old owner down", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/transfer-ownership`, { memberId: w.roles.executive.memberId });
    expect(r.status).toBe(204);
    const rows = await ctx().db.select({ id: members.id, role: members.role }).from(members).where(eq(members.workspaceId, w.ws));
    const role = (id: string) => rows.find((m) => m.id === id)?.role;
    expect(role(w.roles.executive.memberId)).toBe("owner");
    expect(role(w.roles.owner.memberId)).toBe("executive");
    // A member of another workspace cannot be made owner here.
    const foreign = await api(w.roles.executive.token, "POST", `/api/v1/workspaces/${w.ws}/transfer-ownership`, { memberId: w.foreign.owner.memberId });
    expect(foreign.status).toBe(404);
  });

  it("deletes a workspace with everything in it, including its Durable Object storage", async () => {
    const w = await roleWorld();
    await ctx().db.insert(devices).values({ id: newId(), workspaceId: w.ws, memberId: w.roles.employee.memberId, name: "laptop" });
    const wrong = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}`, { confirmName: "acme corp" });
    expect(wrong.status).toBe(400);
    const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName(w.ws)) as DurableObjectStub<import("../../worker/workspace/WorkspaceObject").WorkspaceObject>;
    expect(await stub.tables()).toContain("presence");
    const ok = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}`, { confirmName: "Acme Corp" });
    expect(ok.status).toBe(204);
    expect(await ctx().db.select().from(members).where(eq(members.workspaceId, w.ws))).toHaveLength(0);
    expect(await ctx().db.select().from(devices).where(eq(devices.workspaceId, w.ws))).toHaveLength(0);
    expect((await api(w.roles.employee.token, "GET", `/api/v1/workspaces/${w.ws}`)).status).toBe(404);
    // The foreign workspace is untouched.
    expect((await api(w.foreign.owner.token, "GET", `/api/v1/workspaces/${w.foreign.ws}`)).status).toBe(200);
  });

  it("a person can hold different roles in two workspaces and each scope applies separately", async () => {
    const a = await roleWorld();
    const b = await roleWorld();
    // The employee of A becomes an executive in B.
    await ctx().db.insert(members).values({ id: newId(), workspaceId: b.ws, userId: a.roles.employee.userId, role: "executive", displayName: "E" });
    const inA = await api(a.roles.employee.token, "GET", `/api/v1/workspaces/${a.ws}/members`);
    const inB = await api(a.roles.employee.token, "GET", `/api/v1/workspaces/${b.ws}/members`);
    expect(inA.body.items).toHaveLength(1);
    expect(inB.body.items.length).toBeGreaterThan(5);
  });
});
