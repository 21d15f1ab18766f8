/**
 * The HTTP batch endpoint end to end: device token → D1 lookups (privacy rules, recordable projects)
 * → the workspace's Durable Object. Scoping, limits and the clock offset are checked here; the
 * item-level rules are covered in test/tracking.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { members } from "../../worker/db/schema";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { signInAgent } from "../tracking-d1/support";

const stub = (ws: string) => env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;
const MIN = 60_000;
const slotStart = (ms: number) => ms - (ms % (10 * MIN));

function tenMinutes(now: number, projectId: string | null) {
  const start = slotStart(now) - 10 * MIN;
  const usage = Array.from({ length: 30 }, (_, i) => ({
    kind: "usage", id: v7(), app: i % 2 ? "Code" : "Firefox", title: `file ${i}.ts`,
    url: i % 2 ? null : `https://example.com/docs/${i}?token=secret#frag`,
    start: new Date(start + i * 20_000).toISOString(), end: new Date(start + (i + 1) * 20_000).toISOString(),
  }));
  return [
    { kind: "time_entry", id: v7(), rev: 1, start: new Date(start).toISOString(), end: new Date(start + 10 * MIN).toISOString(), projectId, source: "desktop" },
    { kind: "slot", id: v7(), rev: 1, slotStart: new Date(start).toISOString(), trackedSeconds: 600, activeSeconds: 420 },
    ...usage,
  ];
}

describe("POST /agent/batches", () => {
  it("stores a realistic 10-minute batch once; a replay answers duplicate and changes nothing", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const items = tenMinutes(Date.now(), w.projectA);
    const first = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(items.map(() => "stored"));
    const again = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [...items].reverse() });
    expect(again.body.results.every((r: { status: string }) => r.status === "duplicate")).toBe(true);
    const now = Date.now();
    const day = await stub(w.ws).memberDay(w.roles.employee.memberId, now - 3600_000, now + 60_000);
    expect(day.entries).toHaveLength(1);
    expect(day.usage).toHaveLength(30);
    // Query strings and fragments never reach storage.
    expect(day.usage.some((u: { url: string | null }) => u.url?.includes("token"))).toBe(false);
  });

  it("writes only for the device's own member: ids of another member are refused, data lands under the token's member", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const b = await signInAgent(w.employee2.token, w.ws);
    const items = tenMinutes(Date.now(), null);
    await api(a.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items });
    const stolen = await api(b.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items });
    expect(stolen.body.results.every((r: { status: string; code?: string }) => r.status === "rejected" && r.code === "id_conflict")).toBe(true);
    const now = Date.now();
    expect((await stub(w.ws).memberDay(w.employee2.memberId, now - 3600_000, now + 60_000)).entries).toHaveLength(0);
  });

  it("rejects projects the member is not assigned to, and applies workspace exclusions", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { exclusions: { apps: ["Firefox"], domains: [], titleKeywords: [] } });
    const items = tenMinutes(Date.now(), w.projectB);
    const res = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items });
    expect(res.body.results[0]).toMatchObject({ status: "rejected", code: "unknown_project" });
    const usage = res.body.results.slice(2);
    expect(usage.filter((r: { code?: string }) => r.code === "excluded")).toHaveLength(15);
    expect(usage.filter((r: { status: string }) => r.status === "stored")).toHaveLength(15);
  });

  it("applies a settings change to the very next batch of a device that uploaded before it", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const upload = async (start: number) =>
      (await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: tenMinutes(start, null) })).body.results.slice(2);
    // Same settings twice (the second upload may be answered from what the isolate holds), then a change.
    expect((await upload(Date.now() - 60 * MIN)).every((r: { status: string }) => r.status === "stored")).toBe(true);
    expect((await upload(Date.now() - 40 * MIN)).every((r: { status: string }) => r.status === "stored")).toBe(true);
    await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { exclusions: { apps: ["Firefox"], domains: [], titleKeywords: [] } });
    expect((await upload(Date.now() - 20 * MIN)).filter((r: { code?: string }) => r.code === "excluded")).toHaveLength(15);
    await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { trackApps: false });
    expect((await upload(Date.now() - 10 * MIN)).every((r: { code?: string }) => r.code === "tracking_disabled")).toBe(true);
  });

  it("measures and applies the agent's clock offset; far-future items are rejected", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const agentAhead = 2 * 3600_000; // the agent's clock runs two hours fast
    const start = Date.now() + agentAhead - 30 * MIN;
    const entry = { kind: "time_entry", id: v7(), rev: 1, start: new Date(start).toISOString(), end: new Date(start + 20 * MIN).toISOString(), source: "desktop" };
    const res = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date(Date.now() + agentAhead).toISOString(), items: [entry] });
    expect(res.body.results[0].status).toBe("stored");
    expect(Math.abs(res.body.clockOffsetMs + agentAhead)).toBeLessThan(5_000);
    const now = Date.now();
    const [stored] = (await stub(w.ws).memberDay(w.roles.employee.memberId, now - 3600_000, now)).entries;
    expect(Math.abs(stored!.startMs - (start - agentAhead))).toBeLessThan(5_000);
    const future = { ...entry, id: v7(), start: new Date(Date.now() + 3600_000).toISOString(), end: new Date(Date.now() + 2 * 3600_000).toISOString() };
    const f = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [future] });
    expect(f.body.results[0]).toMatchObject({ status: "rejected", code: "in_future" });
  });

  it("enforces limits: too many items and too many bytes are 413, a malformed envelope 422, a user token 401", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const many = Array.from({ length: 501 }, () => ({ kind: "slot" }));
    const r1 = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: many });
    expect(r1.status).toBe(413);
    expect(r1.body.code).toBe("batch_too_many_items");
    const huge = [{ kind: "usage", id: v7(), app: "x".repeat(1_100_000) }];
    expect((await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: huge })).status).toBe(413);
    expect((await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { items: [] })).status).toBe(422);
    expect((await api(agent.deviceToken, "POST", "/api/v1/agent/batches", "{nope")).status).toBe(400);
    expect((await api(w.roles.employee.token, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [] })).status).toBe(401);
  });

  it("stops accepting data at once when the member's role no longer records time, or the device is revoked", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    await ctx().db.update(members).set({ role: "project_viewer" }).where(eq(members.id, w.roles.employee.memberId));
    const r = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: tenMinutes(Date.now(), null) });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("tracking_not_allowed");
    await ctx().db.update(members).set({ role: "employee" }).where(eq(members.id, w.roles.employee.memberId));
    await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/devices/${agent.deviceId}`);
    expect((await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [] })).status).toBe(401);
  });
});

describe("idle decisions", () => {
  it("audits each newly stored keep/discard/reassign decision once", async () => {
    const { auditLog } = await import("../../worker/db/schema");
    const { and } = await import("drizzle-orm");
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const start = Date.now() - 40 * MIN;
    const idle = { kind: "idle", id: v7(), start: new Date(start).toISOString(), end: new Date(start + 12 * MIN).toISOString(), decision: "reassign", projectId: w.projectA };
    for (let i = 0; i < 2; i++) await api(agent.deviceToken, "POST", "/api/v1/agent/batches", { sentAt: new Date().toISOString(), items: [idle] });
    const rows = await ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, w.ws), eq(auditLog.action, "time.idle_decided")));
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.data)).toMatchObject({ decision: "reassign", projectId: w.projectA });
  });
});
