/**
 * The role matrix: every route × every role (plus a member of another workspace), against the real
 * Worker. Adding a route is one object in a cases file. Allowed roles must get 2xx; everyone else a
 * 403 or 404 (exact status when `denied` says so) and no audit entry may appear for a denied request.
 */
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditLog, ROLES, type Role } from "../../worker/db/schema";
import { createDb } from "../../worker/db/client";
import { roleWorld, type RoleWorld } from "./factory";
import { api } from "./http";

export interface MatrixCase {
  name: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: (w: RoleWorld) => string;
  body?: (w: RoleWorld) => unknown;
  allowed: readonly Role[];
  /** Expected status for roles outside `allowed` (default: 403 or 404). */
  denied?: 403 | 404 | Partial<Record<Role, 403 | 404>>;
  /** Read-only cases share one world across roles; others get a fresh world per role. */
  readOnly?: boolean;
  /**
   * Creates what the route needs beyond roleWorld() (e.g. a rule or a device to address), straight in
   * the database, before the request. Runs once per request, so it must be idempotent for a shared world.
   */
  prepare?: (w: RoleWorld) => Promise<void>;
}

export const ALL_ROLES = ROLES;
export const MANAGERS: readonly Role[] = ["owner", "executive"];

async function auditCount(ws: string) {
  const [r] = await createDb(env.DB).select({ n: sql<number>`count(*)` }).from(auditLog).where(eq(auditLog.chain, ws));
  return r?.n ?? 0;
}

function expectedDenied(c: MatrixCase, role: Role): (403 | 404)[] {
  if (c.denied === undefined) return [403, 404];
  if (typeof c.denied === "number") return [c.denied];
  const s = c.denied[role];
  return s ? [s] : [403, 404];
}

export function defineMatrix(cases: readonly MatrixCase[]) {
  let shared: RoleWorld | undefined;
  const worldFor = async (c: MatrixCase) => (c.readOnly ? (shared ??= await roleWorld()) : roleWorld());

  for (const c of cases) {
    for (const role of ROLES) {
      const allowed = c.allowed.includes(role);
      it(`${c.name} — ${role} ${allowed ? "allowed" : "denied"}`, async () => {
        const w = await worldFor(c);
        await c.prepare?.(w);
        const before = await auditCount(w.ws);
        const res = await api(w.roles[role].token, c.method, c.path(w), c.body?.(w));
        if (allowed) {
          expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        } else {
          expect(expectedDenied(c, role), `${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
          expect(res.headers.get("content-type")).toContain("application/problem+json");
          expect(await auditCount(w.ws)).toBe(before);
        }
      });
    }
    it(`${c.name} — member of another workspace gets 404`, async () => {
      const w = await worldFor(c);
      await c.prepare?.(w);
      const before = await auditCount(w.ws);
      const res = await api(w.foreign.owner.token, c.method, c.path(w), c.body?.(w));
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(await auditCount(w.ws)).toBe(before);
    });
  }
}
