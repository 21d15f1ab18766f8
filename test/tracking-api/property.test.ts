/**
 * Property test at the HTTP door (fast-check): random and malformed envelopes and items thrown at
 * POST /agent/batches never produce a 5xx; every 200 answers exactly one result per item; and a
 * rejected item leaves nothing behind. (Item-level properties: test/tracking/property.test.ts.)
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { signInAgent } from "../tracking-d1/support";

const hostileItem = fc.oneof(
  fc.anything(),
  fc.record({ kind: fc.constantFrom("time_entry", "slot", "usage", "idle", "screenshot", ""), id: fc.oneof(fc.uuid(), fc.string()), start: fc.string(), end: fc.anything() }),
  fc.record({ kind: fc.constant("usage"), id: fc.constant(null).map(() => v7()), app: fc.string({ maxLength: 300 }), url: fc.webUrl({ withQueryParameters: true }),
    start: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), end: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) }),
);

const envelope = fc.oneof(
  fc.anything(),
  fc.record({ sentAt: fc.oneof(fc.constant(new Date().toISOString()), fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), items: fc.array(hostileItem, { maxLength: 20 }) }),
  fc.record({ sentAt: fc.constant(new Date().toISOString()), items: fc.array(hostileItem, { maxLength: 20 }), extra: fc.anything() }),
);

describe("batch endpoint under random input", () => {
  it("never answers 5xx, answers every item, and stores nothing of rejected items", async () => {
    const w = await roleWorld();
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    const stub = env.WORKSPACE.get(env.WORKSPACE.idFromName(w.ws)) as DurableObjectStub<WorkspaceObject>;
    await fc.assert(fc.asyncProperty(envelope, async (body) => {
      const res = await api(agent.deviceToken, "POST", "/api/v1/agent/batches", body === undefined ? "null" : JSON.stringify(body) ?? "null");
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      if (res.status === 200) {
        const items = (body as { items: unknown[] }).items;
        expect(res.body.results).toHaveLength(items.length);
      }
    }), { numRuns: 60 });
    // Whatever was stored was answered "stored" at some point; nothing rejected is in the day view.
    const day = await stub.memberDay(w.roles.employee.memberId, 0, Date.now() + 3600_000);
    for (const u of day.usage) expect(u.url === null || !u.url.includes("?")).toBe(true);
  });
});
