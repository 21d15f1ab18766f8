/** The signed-in person's own profile (GET/PATCH /me and the account page). */
import { eq } from "drizzle-orm";
import type { Principal } from "../../authz/actor";
import { users } from "../../db/schema";
import { badRequest } from "../../http/problem";
import type { ServiceContext } from "../context";
import { listMyWorkspaces } from "../workspaces";
import { canonicalTimeZone } from "./fields";
import { requireUserRow } from "./users";

export async function getProfile(ctx: ServiceContext, p: Principal) {
  const u = await requireUserRow(ctx, p.userId);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    timeZone: u.timeZone,
    emailVerified: u.emailVerifiedAt !== null,
    twoFactorEnabled: u.totpEnabledAt !== null,
    createdAt: u.createdAt,
    workspaces: await listMyWorkspaces(ctx, p),
  };
}

export async function updateProfile(ctx: ServiceContext, p: Principal, input: { name?: string; timeZone?: string }) {
  const changes: { name?: string; timeZone?: string } = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.timeZone !== undefined) changes.timeZone = canonicalTimeZone(input.timeZone);
  if (!Object.keys(changes).length) throw badRequest("nothing_to_update", "No fields to update.");
  await ctx.db.update(users).set(changes).where(eq(users.id, p.userId));
  return getProfile(ctx, p);
}
