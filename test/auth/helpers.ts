/** Helpers for the account tests: the outbox, sign-up through the API, TOTP codes, D1 reads. */
import { env } from "cloudflare:test";
import { and, desc, eq } from "drizzle-orm";
import { totpAt } from "../../worker/crypto/totp";
import { createDb } from "../../worker/db/client";
import { auditLog, mailOutbox, users } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { api } from "../helpers/http";
import { PASSWORD } from "../helpers/factory";

export const db = () => createDb(env.DB);

export const uniqueEmail = (tag = "u") => `${tag}-${newId().slice(-12)}@example.test`;

export async function mailsTo(to: string) {
  return db().select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id));
}

/** The token of the newest link to `path` (e.g. "/confirm") mailed to `to`. */
export async function linkToken(to: string, path: string): Promise<string> {
  for (const m of await mailsTo(to)) {
    const match = new RegExp(`https?://[^\\s/]+${path}\\?token=([A-Za-z0-9_-]+)`).exec(m.text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

export async function userByEmail(email: string) {
  const [u] = await db().select().from(users).where(eq(users.email, email));
  return u;
}

export async function auditRows(action: string, actorUserId: string | null) {
  const where = actorUserId === null ? eq(auditLog.action, action) : and(eq(auditLog.action, action), eq(auditLog.actorUserId, actorUserId));
  return db().select().from(auditLog).where(where);
}

/** Sign-up + confirmation through the public API, the way a person does it. */
export async function signUpConfirmed(email = uniqueEmail(), password = PASSWORD) {
  const res = await api(null, "POST", "/api/v1/auth/signup", { email, name: "Test Person", password });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const confirm = await api(null, "POST", "/api/v1/auth/confirm", { token: await linkToken(email, "/confirm") });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status}`);
  const user = await userByEmail(email);
  return { email, password, userId: user!.id };
}

export async function login(email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return api(null, "POST", "/api/v1/auth/login", { email, password }, headers);
}

/** A valid code `offsetSteps` periods from now (window ±1 accepts -1..+1). */
export const totp = (secret: string, offsetSteps = 0) => totpAt({ secret, time: Date.now() + offsetSteps * 30_000 });

/** Turns 2FA on for the token's user; returns the secret and recovery codes. */
export async function enable2fa(token: string) {
  const setup = await api(token, "POST", "/api/v1/me/2fa/setup");
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status}`);
  const secret: string = setup.body.secret;
  const enabled = await api(token, "POST", "/api/v1/me/2fa/enable", { code: totp(secret) });
  if (enabled.status !== 200) throw new Error(`enable failed: ${enabled.status} ${JSON.stringify(enabled.body)}`);
  return { secret, recoveryCodes: enabled.body.recoveryCodes as string[] };
}
