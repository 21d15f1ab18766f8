/** Lookups of the users table shared by the account services. */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { notFound } from "../../http/problem";
import type { ServiceContext } from "../context";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(ctx: ServiceContext, email: string): Promise<UserRow | null> {
  const [u] = await ctx.db.select().from(users).where(eq(users.email, email)).limit(1);
  return u ?? null;
}

export async function findUserById(ctx: ServiceContext, id: string): Promise<UserRow | null> {
  const [u] = await ctx.db.select().from(users).where(eq(users.id, id)).limit(1);
  return u ?? null;
}

/** The signed-in user's own row; missing means the account was deleted under a live session. */
export async function requireUserRow(ctx: ServiceContext, id: string): Promise<UserRow> {
  const u = await findUserById(ctx, id);
  if (!u) throw notFound("user");
  return u;
}
