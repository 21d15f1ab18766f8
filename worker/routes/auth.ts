/**
 * Public account endpoints: sign-up, email confirmation, sign-in (with the two-factor step),
 * token refresh, sign-out, password reset, and the public signing keys.
 *
 * Tokens: this API hands tokens to API clients in the JSON body only and never sets cookies
 * (`client`, if sent, must be "api"). Browsers sign in through the web pages (/login), whose Remix
 * actions call the same services and set the __Host- session cookies. /auth/logout works for both:
 * it revokes the caller's session (Bearer or cookies) and always clears the cookies.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { getKeyring, publicJwks } from "../crypto/tokens";
import { clearSessionCookies } from "../http/cookies";
import { AppError, conflict } from "../http/problem";
import type { IssuedTokens } from "../services/sessions";
import { refreshSession } from "../services/sessions";
import { confirmEmail, resendConfirmation } from "../services/auth/confirmEmail";
import { emailField, nameField, opaqueTokenField, passwordField, recoveryCodeField, timeZoneField, totpCodeField } from "../services/auth/fields";
import { completeTwoFactorLogin, loginWithPassword } from "../services/auth/login";
import { logout } from "../services/auth/logout";
import { forgotPassword, resetPassword } from "../services/auth/passwordReset";
import { signUp } from "../services/auth/signup";
import { errorResponses, json, jsonBody, newRouter } from "./_shared";

export const authRoutes = newRouter();

const tags = ["auth"];

const Tokens = z.object({
  accessToken: z.string().openapi({ description: "ES256 JWT, valid 10 minutes. Send as `Authorization: Bearer …`." }),
  refreshToken: z.string().openapi({ description: "Opaque, single use: each refresh returns a new one. Reusing an old one revokes the session." }),
  expiresAt: z.number().int().openapi({ description: "When the session ends (epoch ms); refresh before then." }),
  sessionId: z.string(),
}).openapi("Tokens");

const TwoFactorChallenge = z.object({
  twoFactorRequired: z.literal(true),
  challenge: z.string().openapi({ description: "Send to POST /auth/login/2fa within 5 minutes." }),
}).openapi("TwoFactorChallenge");

const Accepted = z.object({ status: z.string() }).openapi("Accepted");

const tokensBody = (t: IssuedTokens) => ({ accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt, sessionId: t.sessionId });

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/signup", tags,
    summary: "Create an account; a confirmation link is emailed",
    description: "Answers 201 the same way whether or not the address already has an account (its owner gets a mail instead), so the endpoint cannot be used to find out who has one.",
    request: {
      body: jsonBody(z.strictObject({ email: emailField, name: nameField, password: passwordField, timeZone: timeZoneField.optional() })),
    },
    responses: { 201: json(z.object({ email: z.string(), status: z.literal("confirmation_sent") }), "Check your inbox"), ...errorResponses },
  }),
  async (c) => c.json(await signUp(c.get("ctx"), c.req.valid("json")), 201),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/confirm", tags, summary: "Confirm an email address with the emailed token",
    request: { body: jsonBody(z.strictObject({ token: opaqueTokenField })) },
    responses: { 200: json(z.object({ email: z.string(), confirmed: z.literal(true) })), ...errorResponses },
  }),
  async (c) => {
    const { email } = await confirmEmail(c.get("ctx"), c.req.valid("json").token);
    return c.json({ email, confirmed: true as const }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/confirm/resend", tags, summary: "Send a new confirmation link (same answer for any address)",
    request: { body: jsonBody(z.strictObject({ email: emailField })) },
    responses: { 202: json(Accepted, "Sent if the address has an unconfirmed account"), ...errorResponses },
  }),
  async (c) => {
    await resendConfirmation(c.get("ctx"), c.req.valid("json").email);
    return c.json({ status: "sent_if_unconfirmed" }, 202);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/login", tags,
    summary: "Sign in with email and password",
    description: "Returns tokens, or a two-factor challenge for POST /auth/login/2fa. Wrong email and wrong password answer the same 401 `invalid_credentials`; after 5 failures per account or per client address further attempts answer 429 with Retry-After (doubling, up to 1 h). An unconfirmed address answers 403 `email_not_confirmed` (only with the right password). Tokens are returned in the body; this endpoint never sets cookies.",
    request: { body: jsonBody(z.strictObject({ email: emailField, password: passwordField, client: z.literal("api").optional() })) },
    responses: { 200: json(z.union([Tokens, TwoFactorChallenge]), "Signed in, or second step needed"), ...errorResponses },
  }),
  async (c) => {
    const { email, password } = c.req.valid("json");
    const r = await loginWithPassword(c.get("ctx"), { email, password }, "api");
    if (r.kind === "two_factor") return c.json({ twoFactorRequired: true as const, challenge: r.challenge }, 200);
    return c.json(tokensBody(r.tokens), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/login/2fa", tags,
    summary: "Second sign-in step: a code from the authenticator app or a recovery code",
    description: "Send exactly one of `code` and `recoveryCode`. Each TOTP code and each recovery code works once (`two_factor_code_reused`). Failures count towards the same throttle as passwords.",
    request: { body: jsonBody(z.strictObject({ challenge: opaqueTokenField, code: totpCodeField.optional(), recoveryCode: recoveryCodeField.optional() })) },
    responses: { 200: json(Tokens, "Signed in"), ...errorResponses },
  }),
  async (c) => {
    const r = await completeTwoFactorLogin(c.get("ctx"), c.req.valid("json"), "api");
    return c.json(tokensBody(r.tokens), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/refresh", tags,
    summary: "Exchange a refresh token for new tokens (rotation)",
    description: "The presented token is used up. Presenting it again later revokes the whole session (401); within 30 s of its first use it answers 409 `refresh_token_already_rotated` instead, because that is two requests of one client racing.",
    request: { body: jsonBody(z.strictObject({ refreshToken: opaqueTokenField })) },
    responses: { 200: json(Tokens, "New tokens"), ...errorResponses },
  }),
  async (c) => {
    const r = await refreshSession(c.get("ctx"), c.req.valid("json").refreshToken);
    if (r.kind === "concurrent") throw conflict("refresh_token_already_rotated", "This refresh token was just used; use the tokens from that response.");
    if (r.kind === "invalid") throw new AppError(401, "invalid_refresh_token", "The refresh token is invalid, expired or revoked. Sign in again.");
    return c.json(tokensBody(r.tokens), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/logout", tags,
    summary: "Sign out: revoke the current session and clear the browser cookies",
    description: "Uses the Bearer token or the session cookies. An API client may also send its refresh token to revoke that session. Always 204.",
    request: { body: { required: false, content: { "application/json": { schema: z.strictObject({ refreshToken: opaqueTokenField.optional() }) } } } },
    responses: { 204: { description: "Signed out" }, ...errorResponses },
  }),
  async (c) => {
    await logout(c.get("ctx"), c.get("principal"), c.req.valid("json").refreshToken);
    c.set("setCookies", clearSessionCookies());
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/password/forgot", tags,
    summary: "Email a password-reset link (same answer for any address)",
    request: { body: jsonBody(z.strictObject({ email: emailField })) },
    responses: { 202: json(Accepted, "Sent if the address has an account"), ...errorResponses },
  }),
  async (c) => {
    await forgotPassword(c.get("ctx"), c.req.valid("json").email);
    return c.json({ status: "sent_if_exists" }, 202);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/auth/password/reset", tags,
    summary: "Set a new password with the emailed token; signs out every session",
    request: { body: jsonBody(z.strictObject({ token: opaqueTokenField, password: passwordField })) },
    responses: { 200: json(z.object({ status: z.literal("password_reset") })), ...errorResponses },
  }),
  async (c) => {
    await resetPassword(c.get("ctx"), c.req.valid("json"));
    return c.json({ status: "password_reset" as const }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get", path: "/auth/jwks.json", tags, summary: "Public keys that verify access tokens (JWKS)",
    responses: { 200: json(z.object({ keys: z.array(z.record(z.string(), z.unknown())) })) },
  }),
  async (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json(publicJwks(await getKeyring(c.get("ctx").env.TOKEN_SIGNING_KEY)), 200);
  },
);
