/** Helpers for the settings and devices page tests: signed-in browsers, page checks, D1 reads. */
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { auditLog, classificationRules, devices, trackingSettings } from "../../worker/db/schema";
import type { Person } from "../helpers/factory";
import { ctx } from "../helpers/factory";
import type { Browser } from "../helpers/http";
import { register, issueCode } from "../tracking-d1/support";
import { cspSafe, signedIn } from "../ui/session";

export { signedIn };

/** GET a page, expect 200, check it against the CSP (no inline styles, every script nonced) and return its HTML. */
export async function page(b: Browser, path: string): Promise<string> {
  const res = await b.fetch(path);
  expect(res.status, path).toBe(200);
  const html = await res.text();
  const csp = cspSafe(html, res.headers.get("content-security-policy"));
  expect(csp.inlineStyles, `${path}: inline styles`).toBe(0);
  expect(csp.scriptsWithoutNonce, `${path}: scripts without nonce`).toBe(0);
  return html;
}

/** The error shown under one form field (the ui kit renders <p id="field-<name>-error" class="field-error">). */
export function fieldErrorOf(html: string, field: string): string | null {
  const m = new RegExp(`<p id="field-${field}-error" class="field-error">([^<]*)</p>`).exec(html);
  return m ? m[1]! : null;
}

/** The <main> of a workspace page: what the route rendered, without the sidebar. */
export const mainOf = (html: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? "";

export async function settingsRow(ws: string) {
  const [row] = await ctx().db.select().from(trackingSettings).where(eq(trackingSettings.workspaceId, ws));
  return row;
}

export const rulesOf = (ws: string) => ctx().db.select().from(classificationRules).where(eq(classificationRules.workspaceId, ws));

export async function deviceRow(id: string) {
  const [row] = await ctx().db.select().from(devices).where(eq(devices.id, id));
  return row;
}

export const auditOf = (ws: string, action: string) =>
  ctx().db.select().from(auditLog).where(and(eq(auditLog.chain, ws), eq(auditLog.action, action)));

/** Signs an agent in for `person` through the real code + register endpoints, under a device name of our choosing. */
export async function connectAgent(person: Person, ws: string, name: string): Promise<string> {
  const res = await register({ code: await issueCode(person.token, ws), device: { name, os: "Linux 6.8", agentVersion: "1.2.3" } });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.deviceId as string;
}
