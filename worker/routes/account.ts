/**
 * The signed-in person's own account: profile, password, sessions and two-factor. Needs a
 * principal (Bearer token or session cookies); nothing here is scoped to a workspace.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../http/problem";
import { listSessions, revokeOwnSession } from "../services/sessions";
import { changePassword } from "../services/auth/changePassword";
import { nameField, passwordField, timeZoneField, totpCodeField } from "../services/auth/fields";
import { getProfile, updateProfile } from "../services/auth/profile";
import { deleteAccount } from "../services/auth/deleteAccount";
import { clearSessionCookies } from "../http/cookies";
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, setupTwoFactor } from "../services/auth/twoFactor";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requirePrincipal } from "./_shared";

export const accountRoutes = newRouter();

const tags = ["account"];
const security = bearerSecurity;

const Profile = z.object({
  id: z.string(), email: z.string(), name: z.string(), timeZone: z.string(),
  emailVerified: z.boolean(), twoFactorEnabled: z.boolean(), createdAt: z.number().int(),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.string(), memberId: z.string(), require2fa: z.boolean() })),
}).openapi("Profile");

const Session = z.object({
  id: z.string(), kind: z.enum(["browser", "api"]), userAgent: z.string().nullable(), ip: z.string().nullable(),
  createdAt: z.number().int(), lastSeenAt: z.number().int(), expiresAt: z.number().int(),
  current: z.boolean().openapi({ description: "The session making this request" }),
}).openapi("Session");

const RecoveryCodes = z.object({
  recoveryCodes: z.array(z.string()).openapi({ description: "Shown once; each works once. Store them somewhere safe." }),
}).openapi("RecoveryCodes");

/** Anything that is not a 6-digit TOTP code is read as a recovery code. */
const codeOrRecovery = z.string().trim().min(6).max(32);

accountRoutes.openapi(
  createRoute({
    method: "get", path: "/me", tags, security, summary: "My profile and the workspaces I belong to",
    responses: { 200: json(Profile), ...errorResponses },
  }),
  async (c) => c.json(await getProfile(c.get("ctx"), requirePrincipal(c)), 200),
);

accountRoutes.openapi(
  createRoute({
    method: "patch", path: "/me", tags, security, summary: "Change my name or time zone (IANA name)",
    request: { body: jsonBody(z.strictObject({ name: nameField.optional(), timeZone: timeZoneField.optional() })) },
    responses: { 200: json(Profile), ...errorResponses },
  }),
  async (c) => c.json(await updateProfile(c.get("ctx"), requirePrincipal(c), c.req.valid("json")), 200),
);

accountRoutes.openapi(
  createRoute({
    method: "post", path: "/me/password", tags, security,
    summary: "Change my password; signs out my other sessions, keeps this one",
    request: { body: jsonBody(z.strictObject({ currentPassword: passwordField, newPassword: passwordField })) },
    responses: { 204: { description: "Changed" }, ...errorResponses },
  }),
  async (c) => {
    await changePassword(c.get("ctx"), requirePrincipal(c), c.req.valid("json"));
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "get", path: "/me/sessions", tags, security, summary: "My active sessions (browsers and API clients)",
    responses: { 200: json(z.object({ items: z.array(Session) })), ...errorResponses },
  }),
  async (c) => c.json({ items: await listSessions(c.get("ctx"), requirePrincipal(c)) }, 200),
);

accountRoutes.openapi(
  createRoute({
    method: "delete", path: "/me/sessions/{sessionId}", tags, security,
    summary: "Sign out one of my sessions (someone else's session id answers 404)",
    request: { params: z.object({ sessionId: z.string().max(64).openapi({ param: { name: "sessionId", in: "path" } }) }) },
    responses: { 204: { description: "Revoked" }, ...errorResponses },
  }),
  async (c) => {
    if (!(await revokeOwnSession(c.get("ctx"), requirePrincipal(c), c.req.valid("param").sessionId))) throw notFound("session");
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "post", path: "/me/2fa/setup", tags, security,
    summary: "Start two-factor enrolment: a new secret as otpauth URI and QR code (SVG)",
    description: "Nothing changes at sign-in until POST /me/2fa/enable confirms a code. Calling it again replaces an unconfirmed secret.",
    responses: { 200: json(z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() })), ...errorResponses },
  }),
  async (c) => c.json(await setupTwoFactor(c.get("ctx"), requirePrincipal(c)), 200),
);

accountRoutes.openapi(
  createRoute({
    method: "post", path: "/me/2fa/enable", tags, security,
    summary: "Turn two-factor on with a code from the app; returns 10 recovery codes once",
    request: { body: jsonBody(z.strictObject({ code: totpCodeField })) },
    responses: { 200: json(RecoveryCodes), ...errorResponses },
  }),
  async (c) => c.json(await enableTwoFactor(c.get("ctx"), requirePrincipal(c), c.req.valid("json").code), 200),
);

accountRoutes.openapi(
  createRoute({
    method: "post", path: "/me/2fa/disable", tags, security,
    summary: "Turn two-factor off; needs my password and a code (app code or recovery code)",
    request: { body: jsonBody(z.strictObject({ password: passwordField, code: codeOrRecovery })) },
    responses: { 204: { description: "Turned off" }, ...errorResponses },
  }),
  async (c) => {
    await disableTwoFactor(c.get("ctx"), requirePrincipal(c), c.req.valid("json"));
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "post", path: "/me/2fa/recovery-codes", tags, security,
    summary: "Replace my recovery codes (needs a code from the app); earlier codes stop working",
    request: { body: jsonBody(z.strictObject({ code: totpCodeField })) },
    responses: { 200: json(RecoveryCodes), ...errorResponses },
  }),
  async (c) => c.json(await regenerateRecoveryCodes(c.get("ctx"), requirePrincipal(c), c.req.valid("json").code), 200),
);

accountRoutes.openapi(
  createRoute({
    method: "delete", path: "/me", tags, security,
    summary: "Delete my account and my data (password, plus a code when two-factor is on). Workspaces where I am the only member are deleted; being the only owner of a shared workspace blocks it (409 sole_owner)",
    request: { body: jsonBody(z.strictObject({ password: passwordField, code: codeOrRecovery.optional() })) },
    responses: { 200: json(z.object({ deletedWorkspaces: z.array(z.string()) })), ...errorResponses },
  }),
  async (c) => {
    const result = await deleteAccount(c.get("ctx"), requirePrincipal(c), c.req.valid("json"));
    c.set("setCookies", clearSessionCookies());
    return c.json(result, 200);
  },
);
