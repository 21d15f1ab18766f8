import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "../../worker/db/schema";
import { appendAudit } from "../../worker/services/audit";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";

describe("audit log", () => {
  it("records changes, filters, paginates, and verifies the hash chain", async () => {
    const w = await roleWorld();
    for (let i = 0; i < 5; i++) await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}`, { name: `Acme ${i}` });
    await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}`, { role: "team_manager" });
    const page1 = await api(w.roles.executive.token, "GET", `/api/v1/workspaces/${w.ws}/audit?limit=4`);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(4);
    expect(page1.body.items[0].action).toBe("member.role_changed");
    const page2 = await api(w.roles.executive.token, "GET", `/api/v1/workspaces/${w.ws}/audit?limit=4&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(2);
    const filtered = await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/audit?action=workspace.settings_changed`);
    expect(filtered.body.items).toHaveLength(5);
    expect(filtered.body.items.every((e: { actorUserId: string }) => e.actorUserId === w.roles.owner.userId)).toBe(true);
    expect((await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/audit/verify`)).body).toEqual({ ok: true, checked: 6 });
  });

  it("detects tampering: an edited row, a deleted row", async () => {
    const w = await roleWorld();
    for (let i = 0; i < 4; i++) await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}`, { name: `N${i}` });
    const db = ctx().db;
    await db.update(auditLog).set({ data: JSON.stringify({ name: "forged" }) }).where(and(eq(auditLog.chain, w.ws), eq(auditLog.seq, 2)));
    expect((await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/audit/verify`)).body).toMatchObject({ ok: false, brokenAtSeq: 2, reason: "hash_mismatch" });

    const v = await roleWorld();
    for (let i = 0; i < 4; i++) await api(v.roles.owner.token, "PATCH", `/api/v1/workspaces/${v.ws}`, { name: `N${i}` });
    await db.delete(auditLog).where(and(eq(auditLog.chain, v.ws), eq(auditLog.seq, 3)));
    expect((await api(v.roles.owner.token, "GET", `/api/v1/workspaces/${v.ws}/audit/verify`)).body).toMatchObject({ ok: false, brokenAtSeq: 3, reason: "sequence_gap" });
  });

  it("concurrent appends never fork the chain", async () => {
    const w = await roleWorld();
    const c = ctx();
    await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(c, { chain: w.ws, actorUserId: null, action: `test.${i}` })));
    const rows = await c.db.select().from(auditLog).where(eq(auditLog.chain, w.ws)).orderBy(auditLog.seq);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await api(w.roles.owner.token, "GET", `/api/v1/workspaces/${w.ws}/audit/verify`)).body).toEqual({ ok: true, checked: 12 });
  });
});
