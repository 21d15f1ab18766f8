import { env } from "cloudflare:test";
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  CompactSign,
  UnsecuredJWT,
  type CompactJWSHeaderParameters,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { toBase64Url } from "../../worker/crypto/encoding";
import {
  ACCESS_AUDIENCE,
  ACCESS_TOKEN_TTL_SECONDS,
  getKeyring,
  ISSUER,
  publicJwks,
  signAccessToken,
  signPurposeToken,
  verifyAccessToken,
  verifyPurposeToken,
  type Keyring,
} from "../../worker/crypto/tokens";

const { TOKEN_SIGNING_KEY } = z.object({ TOKEN_SIGNING_KEY: z.string() }).parse(env);
const enc = new TextEncoder();
const now = () => Math.floor(Date.now() / 1000);

async function newPrivateJwk(alg: "ES256" | "ES384" | "RS256" = "ES256") {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return exportJWK(privateKey);
}

let keyring: Keyring;
let validClaims: Record<string, unknown>;
let validHeader: CompactJWSHeaderParameters;

/**
 * Signs an arbitrary header and payload with any key: the raw material for hostile tokens.
 * CompactSign rather than SignJWT so claims can have the wrong types.
 */
function forge(header: CompactJWSHeaderParameters, payload: unknown, key: CryptoKey | Uint8Array): Promise<string> {
  return new CompactSign(enc.encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

const b64json = (v: unknown) => toBase64Url(enc.encode(JSON.stringify(v)));

/** ES256 over any header, bypassing jose's own checks (it refuses to sign e.g. unknown `crit`). */
async function rawEs256(header: unknown, payload: unknown, key: CryptoKey): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, enc.encode(input));
  return `${input}.${toBase64Url(new Uint8Array(sig))}`;
}

beforeAll(async () => {
  keyring = await getKeyring(TOKEN_SIGNING_KEY);
  validHeader = { alg: "ES256", kid: keyring.kid, typ: "at+jwt" };
  validClaims = { iss: ISSUER, aud: ACCESS_AUDIENCE, sub: "user_1", sid: "sess_1", iat: now(), exp: now() + 300, jti: "j1" };
});

describe("keyring", () => {
  it("loads the configured test key with its explicit kid", () => {
    expect(keyring.kid).toBe("test-key-1");
    expect(keyring.privateKey.type).toBe("private");
    expect(keyring.publicKey.type).toBe("public");
  });

  it("is cached per secret string", async () => {
    expect(await getKeyring(TOKEN_SIGNING_KEY)).toBe(keyring);
  });

  it("derives kid from the RFC 7638 thumbprint when the JWK has none", async () => {
    const jwk = await newPrivateJwk();
    expect(jwk.kid).toBeUndefined();
    const ring = await getKeyring(JSON.stringify(jwk));
    const expected = await calculateJwkThumbprint({ kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y }, "sha256");
    expect(ring.kid).toBe(expected);
    const token = await signAccessToken(ring, { sub: "u", sid: "s" });
    expect(decodeProtectedHeader(token).kid).toBe(expected);
    expect(await verifyAccessToken(ring, token)).toEqual({ sub: "u", sid: "s", amr: [] });
  });

  it("rejects secrets that are not a private P-256 JWK", async () => {
    await expect(getKeyring("not json")).rejects.toThrow();
    await expect(getKeyring(JSON.stringify({ kty: "EC", crv: "P-256" }))).rejects.toThrow();
    const { d: _d, ...publicOnly } = await newPrivateJwk();
    await expect(getKeyring(JSON.stringify(publicOnly))).rejects.toThrow();
    await expect(getKeyring(JSON.stringify(await newPrivateJwk("ES384")))).rejects.toThrow();
    await expect(getKeyring(JSON.stringify({ ...(await newPrivateJwk()), alg: "ES384" }))).rejects.toThrow();
  });

  it("publishes only the public key in the JWKS", () => {
    const jwks = publicJwks(keyring);
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", kid: "test-key-1", alg: "ES256", use: "sig" });
    expect(key).not.toHaveProperty("d");
    expect(Object.keys(key ?? {}).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
  });
});

describe("access tokens", () => {
  it("round-trips sub, sid and amr", async () => {
    const token = await signAccessToken(keyring, { sub: "user_1", sid: "sess_1", amr: ["pwd", "otp"] });
    expect(await verifyAccessToken(keyring, token)).toEqual({ sub: "user_1", sid: "sess_1", amr: ["pwd", "otp"] });
  });

  it("sets the pinned header and claims", async () => {
    const token = await signAccessToken(keyring, { sub: "user_1", sid: "sess_1" });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: "test-key-1", typ: "at+jwt" });
    const [, body = ""] = token.split(".");
    const claims = z
      .object({ iss: z.string(), aud: z.string(), iat: z.number(), exp: z.number(), jti: z.string() })
      .parse(JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))));
    expect(claims.iss).toBe(ISSUER);
    expect(claims.aud).toBe(ACCESS_AUDIENCE);
    expect(claims.exp - claims.iat).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(claims.jti.length).toBeGreaterThan(10);
  });

  it("gives each token a distinct jti", async () => {
    const a = await signAccessToken(keyring, { sub: "u", sid: "s" });
    const b = await signAccessToken(keyring, { sub: "u", sid: "s" });
    expect(a).not.toBe(b);
  });

  it("accepts a hand-built token with exactly the pinned fields (sanity check for the battery)", async () => {
    const token = await forge(validHeader, validClaims, keyring.privateKey);
    expect(await verifyAccessToken(keyring, token)).toEqual({ sub: "user_1", sid: "sess_1", amr: [] });
  });

  it("accepts a raw WebCrypto-signed token (control for the crit case below)", async () => {
    const token = await rawEs256(validHeader, validClaims, keyring.privateKey);
    expect(await verifyAccessToken(keyring, token)).toEqual({ sub: "user_1", sid: "sess_1", amr: [] });
  });

  it("refuses a non-positive ttl", async () => {
    await expect(signAccessToken(keyring, { sub: "u", sid: "s" }, 0)).rejects.toThrow(RangeError);
  });
});

describe("hostile access tokens all verify to null", () => {
  const cases: Array<[string, () => Promise<string>]> = [
    ["alg none (unsigned, valid claims)", async () => new UnsecuredJWT(validClaims).encode()],
    ["alg none with our kid and typ, empty signature", async () =>
      `${b64json({ alg: "none", kid: keyring.kid, typ: "at+jwt" })}.${b64json(validClaims)}.`],
    ["alg none, signature of a real token kept", async () => {
      const real = await signAccessToken(keyring, { sub: "user_1", sid: "sess_1" });
      const [, body, sig] = real.split(".");
      return `${b64json({ alg: "none", kid: keyring.kid, typ: "at+jwt" })}.${body}.${sig}`;
    }],
    ["HS256 keyed with the public JWK JSON", async () =>
      forge({ ...validHeader, alg: "HS256" }, validClaims, enc.encode(JSON.stringify(keyring.publicJwk)))],
    ["HS256 keyed with the public key PEM", async () => {
      const exportable = await importJWK(keyring.publicJwk, "ES256", { extractable: true });
      if (!(exportable instanceof CryptoKey)) throw new Error("expected a CryptoKey");
      return forge({ ...validHeader, alg: "HS256" }, validClaims, enc.encode(await exportSPKI(exportable)));
    }],
    ["HS256 keyed with the public x coordinate", async () =>
      forge({ ...validHeader, alg: "HS256" }, validClaims, enc.encode(String(keyring.publicJwk.x)))],
    ["different EC key, same kid", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      return forge(validHeader, validClaims, privateKey);
    }],
    ["expired", async () => forge(validHeader, { ...validClaims, iat: now() - 1000, exp: now() - 10 }, keyring.privateKey)],
    ["expires exactly now", async () => forge(validHeader, { ...validClaims, exp: now() }, keyring.privateKey)],
    ["no exp", async () => {
      const { exp: _exp, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["no iat", async () => {
      const { iat: _iat, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["no sub", async () => {
      const { sub: _sub, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["no sid", async () => {
      const { sid: _sid, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["sub is not a string", async () => forge(validHeader, { ...validClaims, sub: 123 }, keyring.privateKey)],
    ["sid is a number", async () => forge(validHeader, { ...validClaims, sid: 42 }, keyring.privateKey)],
    ["amr is a string, not an array", async () => forge(validHeader, { ...validClaims, amr: "pwd" }, keyring.privateKey)],
    ["empty sub", async () => forge(validHeader, { ...validClaims, sub: "" }, keyring.privateKey)],
    ["nbf in the future", async () => forge(validHeader, { ...validClaims, nbf: now() + 600 }, keyring.privateKey)],
    ["wrong audience", async () => forge(validHeader, { ...validClaims, aud: "someone-else" }, keyring.privateKey)],
    ["no audience", async () => {
      const { aud: _aud, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["wrong issuer", async () => forge(validHeader, { ...validClaims, iss: "evil" }, keyring.privateKey)],
    ["no issuer", async () => {
      const { iss: _iss, ...rest } = validClaims;
      return forge(validHeader, rest, keyring.privateKey);
    }],
    ["tampered payload (sub flipped, signature kept)", async () => {
      const real = await signAccessToken(keyring, { sub: "user_1", sid: "sess_1" });
      const [header, , sig] = real.split(".");
      return `${header}.${b64json({ ...validClaims, sub: "admin" })}.${sig}`;
    }],
    ["tampered header (signature kept)", async () => {
      const real = await signAccessToken(keyring, { sub: "user_1", sid: "sess_1" });
      const [, body, sig] = real.split(".");
      return `${b64json({ ...validHeader, typ: "AT+JWT", extra: 1 })}.${body}.${sig}`;
    }],
    ["truncated signature", async () => (await signAccessToken(keyring, { sub: "u", sid: "s" })).slice(0, -4)],
    ["unknown kid", async () => forge({ ...validHeader, kid: "some-other-key" }, validClaims, keyring.privateKey)],
    ["missing kid", async () => forge({ alg: "ES256", typ: "at+jwt" }, validClaims, keyring.privateKey)],
    ["wrong typ JWT", async () => forge({ ...validHeader, typ: "JWT" }, validClaims, keyring.privateKey)],
    ["missing typ", async () => forge({ alg: "ES256", kid: keyring.kid }, validClaims, keyring.privateKey)],
    ["purpose token used as access token", async () =>
      signPurposeToken(keyring, "login-2fa", { sub: "user_1", sid: "sess_1" }, 300)],
    ["access claims under a purpose typ", async () =>
      forge({ ...validHeader, typ: "wt-login-2fa+jwt" }, validClaims, keyring.privateKey)],
    ["ES384-signed token", async () => {
      const { privateKey } = await generateKeyPair("ES384");
      return forge({ ...validHeader, alg: "ES384" }, validClaims, privateKey);
    }],
    ["RS256-signed token", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      return forge({ ...validHeader, alg: "RS256" }, validClaims, privateKey);
    }],
    ["crit header with an unknown extension", async () =>
      rawEs256({ ...validHeader, crit: ["wt-unknown"], "wt-unknown": true }, validClaims, keyring.privateKey)],
    ["JWE-shaped (5 parts)", async () => "a.b.c.d.e"],
    ["empty string", async () => ""],
    ["garbage", async () => "not a token"],
    ["three empty parts", async () => ".."],
    ["base64 junk", async () => "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"],
    ["JSON array payload", async () => `${b64json(validHeader)}.${b64json([validClaims])}.AAAA`],
    ["oversized", async () => "a".repeat(1_000_000)],
    ["valid token with trailing junk", async () => `${await signAccessToken(keyring, { sub: "u", sid: "s" })}x`],
    ["valid token with whitespace", async () => ` ${await signAccessToken(keyring, { sub: "u", sid: "s" })}`],
  ];

  it.each(cases)("%s", async (_name, make) => {
    const token = await make();
    await expect(verifyAccessToken(keyring, token)).resolves.toBeNull();
  });

  it("an access token from another keyring with a different kid is rejected", async () => {
    const other = await getKeyring(JSON.stringify(await newPrivateJwk()));
    const token = await signAccessToken(other, { sub: "u", sid: "s" });
    expect(await verifyAccessToken(keyring, token)).toBeNull();
  });

  it("an access token from another key that claims our kid is rejected", async () => {
    const other = await getKeyring(JSON.stringify({ ...(await newPrivateJwk()), kid: keyring.kid }));
    const token = await signAccessToken(other, { sub: "u", sid: "s" });
    expect(await verifyAccessToken(keyring, token)).toBeNull();
  });
});

describe("purpose tokens", () => {
  it("round-trip string claims and drop registered ones", async () => {
    const token = await signPurposeToken(keyring, "login-2fa", { sub: "user_1", nonce: "n1" }, 300);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", kid: keyring.kid, typ: "wt-login-2fa+jwt" });
    expect(await verifyPurposeToken(keyring, "login-2fa", token)).toEqual({ sub: "user_1", nonce: "n1" });
  });

  it("are bound to their purpose", async () => {
    const token = await signPurposeToken(keyring, "login-2fa", { sub: "user_1" }, 300);
    expect(await verifyPurposeToken(keyring, "email-verify", token)).toBeNull();
  });

  it("access tokens are not purpose tokens", async () => {
    const token = await signAccessToken(keyring, { sub: "u", sid: "s" });
    expect(await verifyPurposeToken(keyring, "login-2fa", token)).toBeNull();
    expect(await verifyPurposeToken(keyring, "api", token)).toBeNull();
  });

  it("apply the same pinning (kid, typ, aud, exp, alg)", async () => {
    const header = { alg: "ES256", kid: keyring.kid, typ: "wt-login-2fa+jwt" };
    const claims = { iss: ISSUER, aud: "worktrail-login-2fa", sub: "u", iat: now(), exp: now() + 300 };
    expect(await verifyPurposeToken(keyring, "login-2fa", await forge(header, claims, keyring.privateKey))).toEqual({ sub: "u" });
    const bad = [
      forge({ ...header, kid: "x" }, claims, keyring.privateKey),
      forge({ ...header, typ: "JWT" }, claims, keyring.privateKey),
      forge(header, { ...claims, aud: ACCESS_AUDIENCE }, keyring.privateKey),
      forge(header, { ...claims, exp: now() - 1 }, keyring.privateKey),
      forge(header, { ...claims, exp: undefined }, keyring.privateKey),
      forge(header, { ...claims, extra: 5 }, keyring.privateKey), // non-string custom claim
      generateKeyPair("ES256").then(({ privateKey }) => forge(header, claims, privateKey)),
      Promise.resolve(new UnsecuredJWT(claims).encode()),
    ];
    for (const token of await Promise.all(bad)) {
      expect(await verifyPurposeToken(keyring, "login-2fa", token)).toBeNull();
    }
  });

  it("refuse reserved claim names and odd purposes", async () => {
    await expect(signPurposeToken(keyring, "login-2fa", { exp: "9999999999" }, 300)).rejects.toThrow();
    await expect(signPurposeToken(keyring, "login-2fa", { aud: ACCESS_AUDIENCE }, 300)).rejects.toThrow();
    await expect(signPurposeToken(keyring, "Bad Purpose", {}, 300)).rejects.toThrow();
    expect(await verifyPurposeToken(keyring, "Bad Purpose", "x.y.z")).toBeNull();
  });
});
