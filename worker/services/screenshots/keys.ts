/**
 * Workspace screenshot keys (DESIGN.md, "Screenshots"): one HPKE key pair per workspace, created with
 * the workspace (createWorkspace) or, for workspaces that predate screenshots, on first need. The
 * public key goes to agents with their settings; the private key is stored only wrapped by the
 * SCREENSHOT_KEK secret and is unwrapped only to serve an authorized viewer. Deleting the workspace
 * deletes the row (cascade), which makes every copy of its screenshots unreadable.
 */
import { eq } from "drizzle-orm";
import { generateWorkspaceKeyPair, unwrapPrivateKey, wrapPrivateKey } from "../../crypto/hpke";
import { workspaceKeys } from "../../db/schema";
import type { Env } from "../../env";
import type { ServiceContext } from "../context";

/** A fresh key row for a workspace (the private key wrapped, bound to the workspace id). */
export async function newWorkspaceKeyRow(env: Pick<Env, "SCREENSHOT_KEK">, workspaceId: string): Promise<typeof workspaceKeys.$inferInsert> {
  const kp = await generateWorkspaceKeyPair();
  return { workspaceId, publicKey: kp.publicKey, wrappedPrivateKey: await wrapPrivateKey(kp.privateKey, env.SCREENSHOT_KEK, workspaceId) };
}

/**
 * The workspace's public key, creating the pair if the workspace has none. Two concurrent first
 * calls both generate a pair, but only the first insert wins and both answer with the stored one.
 */
export async function ensureWorkspaceKey(ctx: ServiceContext, workspaceId: string): Promise<string> {
  const [row] = await ctx.db.select({ publicKey: workspaceKeys.publicKey }).from(workspaceKeys).where(eq(workspaceKeys.workspaceId, workspaceId));
  if (row) return row.publicKey;
  await ctx.db.insert(workspaceKeys).values(await newWorkspaceKeyRow(ctx.env, workspaceId)).onConflictDoNothing();
  const [stored] = await ctx.db.select({ publicKey: workspaceKeys.publicKey }).from(workspaceKeys).where(eq(workspaceKeys.workspaceId, workspaceId));
  if (!stored) throw new Error(`workspace ${workspaceId}: key row missing after insert`);
  return stored.publicKey;
}

/** The unwrapped private key, or null when the workspace has no key (then it has no readable screenshots). */
export async function workspacePrivateKey(ctx: ServiceContext, workspaceId: string): Promise<Uint8Array | null> {
  const [row] = await ctx.db.select({ wrapped: workspaceKeys.wrappedPrivateKey }).from(workspaceKeys).where(eq(workspaceKeys.workspaceId, workspaceId));
  return row ? unwrapPrivateKey(row.wrapped, ctx.env.SCREENSHOT_KEK, workspaceId) : null;
}
