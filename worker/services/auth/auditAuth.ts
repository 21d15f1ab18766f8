/**
 * Account events belong to the person, not to one workspace, so each is written to the chain of
 * every workspace the user is active in (each owner sees sign-ins of their members). Events with no
 * known user (a failed sign-in for an unknown email) go to the global chain.
 */
import { appendAuditToChains } from "../audit";
import type { ServiceContext } from "../context";
import { activeWorkspaceIds } from "../sessions";

export type AuthAuditAction =
  | "auth.login.succeeded"
  | "auth.login.failed"
  | "auth.lockout"
  | "auth.2fa.enabled"
  | "auth.2fa.disabled"
  | "auth.recovery_code.used"
  | "auth.recovery_codes.regenerated"
  | "auth.password.changed"
  | "auth.password.reset";

export async function auditAuth(ctx: ServiceContext, userId: string | null, action: AuthAuditAction, data: Record<string, unknown> = {}) {
  const chains = userId ? await activeWorkspaceIds(ctx, userId) : [];
  await appendAuditToChains(ctx, chains, { actorUserId: userId, action, targetType: "user", targetId: userId, data });
}
