import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { loader as devMailLoader } from "../../web/app/routes/dev.mail";
import { safeNext } from "../../web/app/lib/auth.server";
import { ACCESS_AUDIENCE, ISSUER } from "../../worker/crypto/tokens";
import { api } from "../helpers/http";
import { ctx } from "../helpers/factory";
import { login, signUpConfirmed } from "./helpers";

describe("public keys", () => {
  it("publishes a JWKS that verifies our access tokens and holds no private part", async () => {
    const { email } = await signUpConfirmed();
    const { accessToken } = (await login(email)).body;
    const res = await api(null, "GET", "/api/v1/auth/jwks.json");
    expect(res.status).toBe(200);
    for (const k of res.body.keys) expect(k.d).toBeUndefined();
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(res.body), { issuer: ISSUER, audience: ACCESS_AUDIENCE, algorithms: ["ES256"] });
    expect(payload.sub).toEqual(expect.any(String));
  });
});

describe("dev outbox page", () => {
  const args = (environment: string) => ({
    request: new Request("http://localhost/dev/mail"),
    params: {},
    context: { env: { ...env, ENVIRONMENT: environment }, ctx: ctx(), principal: null, cspNonce: "n", requestId: "r" },
  }) as unknown as LoaderFunctionArgs; // a hand-built load context for a direct loader call, not untrusted input

  it("answers 404 in production", async () => {
    const thrown = await devMailLoader(args("production")).then(() => null, (e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });

  it("lists mail in development", async () => {
    const data = await devMailLoader(args("development"));
    expect(Array.isArray(data.mails)).toBe(true);
  });
});

describe("safeNext", () => {
  it.each([
    ["/w/1/members?x=1#y", "/w/1/members?x=1#y"],
    ["/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/ok\u0000", "/"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["", "/"],
    [null, "/"],
  ])("%s -> %s", (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});
