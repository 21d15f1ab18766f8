/**
 * Sign-out: revokes the calling session and, when an API client also hands in its refresh token,
 * the session that token belongs to (a client whose access token already expired can still sign
 * out cleanly). Idempotent: signing out twice, or without a session, is not an error.
 */
import { eq } from "drizzle-orm";
import type { Principal } from "../../authz/actor";
import { sha256Hex } from "../../crypto/encoding";
import { refreshTokens } from "../../db/schema";
import type { ServiceContext } from "../context";
import { revokeSession } from "../sessions";

export async function logout(ctx: ServiceContext, p: Principal | null, refreshToken?: string): Promise<void> {
  if (p) await revokeSession(ctx, p.sessionId, "logout");
  if (!refreshToken) return;
  const [row] = await ctx.db.select({ sessionId: refreshTokens.sessionId }).from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(refreshToken))).limit(1);
  if (row) await revokeSession(ctx, row.sessionId, "logout");
}
