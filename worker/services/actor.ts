import { and, eq } from "drizzle-orm";
import type { Actor, Principal } from "../authz/actor";
import { members, workspaces } from "../db/schema";
import { UUID_RE } from "../db/ids";
import { forbidden, notFound } from "../http/problem";
import type { ServiceContext } from "./context";

/**
 * Resolves the principal's membership in a workspace. Not a member (or deactivated, or a foreign id)
 * answers 404: the workspace does not exist for them. A workspace that requires two-factor refuses
 * members who have not enrolled (they may still reach their account pages to enrol).
 */
export async function loadActor(ctx: ServiceContext, p: Principal, workspaceId: string): Promise<Actor> {
  if (!UUID_RE.test(workspaceId)) throw notFound("workspace");
  const [row] = await ctx.db.select({ m: members, w: workspaces }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.workspaceId, workspaceId), eq(members.userId, p.userId), eq(members.status, "active"))).limit(1);
  if (!row) throw notFound("workspace");
  if (row.w.require2fa && !p.totpEnabled) {
    throw forbidden("two_factor_required", "This workspace requires two-factor authentication. Enable it in your account security settings.");
  }
  return {
    userId: p.userId, email: p.email, name: p.name, sessionId: p.sessionId, amr: p.amr,
    member: { id: row.m.id, role: row.m.role, displayName: row.m.displayName, timeZone: row.m.timeZone },
    workspace: {
      id: row.w.id, name: row.w.name, require2fa: row.w.require2fa,
      managersSeeScreenshots: row.w.managersSeeScreenshots, managersSeeApps: row.w.managersSeeApps,
    },
  };
}
