/** Helpers for the tracking control-plane tests: agent sign-in, device requests, D1 reads. */
import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { createDb } from "../../worker/db/client";
import { auditLog, devices, trackingSettings } from "../../worker/db/schema";
import { api } from "../helpers/http";

export const db = () => createDb(env.DB);

export const DEVICE = { name: "Test laptop", os: "Linux 6.8", agentVersion: "1.0.0" };

/** Each test its own client address, so the per-address registration window never spills over. */
export const freshIp = () => `10.${rnd()}.${rnd()}.${rnd()}`;
const rnd = () => Math.floor(Math.random() * 256);

export async function issueCode(userToken: string, ws: string) {
  const res = await api(userToken, "POST", `/api/v1/workspaces/${ws}/devices/code`);
  if (res.status !== 201) throw new Error(`code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

export function register(body: Record<string, unknown>, ip = freshIp()) {
  return api(null, "POST", "/api/v1/agent/register", { device: DEVICE, ...body }, { "cf-connecting-ip": ip });
}

/** A signed-in agent for the member holding `userToken` in `ws`: its token and ids. */
export async function signInAgent(userToken: string, ws: string) {
  const res = await register({ code: await issueCode(userToken, ws) });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { deviceId: string; deviceToken: string; workspaceId: string; memberId: string };
}

export const agentSettings = (deviceToken: string, headers: Record<string, string> = {}) =>
  api(deviceToken, "GET", "/api/v1/agent/settings", undefined, headers);

export const heartbeat = (deviceToken: string, body: unknown = { at: new Date().toISOString(), state: "tracking" }) =>
  api(deviceToken, "POST", "/api/v1/agent/heartbeat", body);

export async function deviceRow(id: string) {
  const [d] = await db().select().from(devices).where(eq(devices.id, id));
  return d;
}

export async function settingsRow(ws: string) {
  const [s] = await db().select().from(trackingSettings).where(eq(trackingSettings.workspaceId, ws));
  return s;
}

export async function auditOf(ws: string, action: string) {
  return db().select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, action)));
}
