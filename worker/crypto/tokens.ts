/**
 * Signed JWTs: short-lived API access tokens and single-purpose tokens (e.g. the step between
 * password and TOTP at login). ES256 with one key from the TOKEN_SIGNING_KEY secret.
 *
 * Verification pins everything jose would otherwise leave open (see TOOLCHAIN.md): algorithm,
 * issuer, audience, `typ`, required claims and `kid`. Distinct `typ` + `aud` per token kind
 * means a token minted for one purpose can never be replayed as another.
 */
import { calculateJwkThumbprint, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import { z } from "zod";
import { randomToken } from "./encoding";

export const ISSUER = "worktrail";
export const ACCESS_AUDIENCE = "worktrail-api";
export const ACCESS_TOKEN_TTL_SECONDS = 600;

const ALG = "ES256";
const ACCESS_TYP = "at+jwt"; // RFC 9068 media type for OAuth access tokens.
/** Real tokens are a few hundred bytes; refuse to base64-decode and JSON-parse megabytes. */
const MAX_TOKEN_LENGTH = 4096;

export interface Keyring {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public part only, with kid/alg/use, ready for a JWKS document. */
  publicJwk: JWK;
}

const privateJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1).optional(),
  alg: z.literal(ALG).optional(),
});

const keyrings = new Map<string, Promise<Keyring>>();

/**
 * Parses and imports the secret once per isolate. Throws on a malformed secret: that is a deploy
 * misconfiguration and should fail loudly, not mint tokens nobody can verify.
 */
export function getKeyring(secretJson: string): Promise<Keyring> {
  let ring = keyrings.get(secretJson);
  if (!ring) {
    ring = loadKeyring(secretJson);
    // Don't cache a failure: a later call with the same (fixed) secret should retry.
    ring.catch(() => keyrings.delete(secretJson));
    keyrings.set(secretJson, ring);
  }
  return ring;
}

async function loadKeyring(secretJson: string): Promise<Keyring> {
  let raw: unknown;
  try {
    raw = JSON.parse(secretJson);
  } catch {
    throw new Error("TOKEN_SIGNING_KEY is not valid JSON");
  }
  const parsed = privateJwkSchema.safeParse(raw);
  if (!parsed.success) throw new Error("TOKEN_SIGNING_KEY must be a private EC P-256 JWK");
  const { kty, crv, x, y, d } = parsed.data;
  const publicPart = { kty, crv, x, y };
  // RFC 7638 thumbprint: stable across restarts and derived from the key itself, so a rotated
  // key without an explicit kid still gets a distinct one.
  const kid = parsed.data.kid ?? (await calculateJwkThumbprint(publicPart, "sha256"));
  const privateKey = await importJWK({ ...publicPart, d }, ALG);
  const publicKey = await importJWK(publicPart, ALG);
  if (!(privateKey instanceof CryptoKey) || !(publicKey instanceof CryptoKey)) {
    throw new Error("TOKEN_SIGNING_KEY did not import as an EC key");
  }
  return { kid, privateKey, publicKey, publicJwk: { ...publicPart, kid, alg: ALG, use: "sig" } };
}

export function publicJwks(keyring: Keyring): { keys: JWK[] } {
  return { keys: [{ ...keyring.publicJwk }] };
}

function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError("ttlSeconds must be a positive integer");
}

async function sign(keyring: Keyring, typ: string, audience: string, claims: JWTPayload, ttlSeconds: number): Promise<string> {
  assertTtl(ttlSeconds);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, kid: keyring.kid, typ })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomToken(16))
    .sign(keyring.privateKey);
}

/** Verifies signature and every pinned field; returns the payload or null, never throws. */
async function verify(keyring: Keyring, token: string, typ: string, audience: string, requiredClaims: string[]): Promise<JWTPayload | null> {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        // Exactly our kid. A missing or foreign kid is rejected even if the signature would
        // verify, so rotation can't silently fall back to a wrong key.
        if (header.kid !== keyring.kid) throw new Error("unknown kid");
        return keyring.publicKey;
      },
      { algorithms: [ALG], issuer: ISSUER, audience, typ, requiredClaims },
    );
    return payload;
  } catch {
    return null;
  }
}

export async function signAccessToken(
  keyring: Keyring,
  claims: { sub: string; sid: string; amr?: string[] },
  ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
): Promise<string> {
  const payload: JWTPayload = { sub: claims.sub, sid: claims.sid };
  if (claims.amr) payload.amr = claims.amr;
  return sign(keyring, ACCESS_TYP, ACCESS_AUDIENCE, payload, ttlSeconds);
}

const accessClaimsSchema = z.object({
  sub: z.string().min(1),
  sid: z.string().min(1),
  amr: z.array(z.string()).optional(),
});

export async function verifyAccessToken(
  keyring: Keyring,
  token: string,
): Promise<{ sub: string; sid: string; amr: string[] } | null> {
  const payload = await verify(keyring, token, ACCESS_TYP, ACCESS_AUDIENCE, ["exp", "iat", "sub"]);
  if (!payload) return null;
  const claims = accessClaimsSchema.safeParse(payload);
  if (!claims.success) return null;
  return { sub: claims.data.sub, sid: claims.data.sid, amr: claims.data.amr ?? [] };
}

const PURPOSE_RE = /^[a-z][a-z0-9-]{0,31}$/;
/** Set by sign(); a caller-supplied value would be ignored or, worse, override ours. */
const REGISTERED_CLAIMS = new Set(["iss", "aud", "exp", "nbf", "iat", "jti"]);

const purposeTyp = (purpose: string) => `wt-${purpose}+jwt`;
const purposeAudience = (purpose: string) => `worktrail-${purpose}`;

export async function signPurposeToken(
  keyring: Keyring,
  purpose: string,
  claims: Record<string, string>,
  ttlSeconds: number,
): Promise<string> {
  if (!PURPOSE_RE.test(purpose)) throw new TypeError(`invalid token purpose: ${purpose}`);
  for (const name of Object.keys(claims)) {
    if (REGISTERED_CLAIMS.has(name)) throw new TypeError(`claim "${name}" is reserved`);
  }
  return sign(keyring, purposeTyp(purpose), purposeAudience(purpose), { ...claims }, ttlSeconds);
}

const purposeClaimsSchema = z.record(z.string(), z.string());

/** Returns the caller's claims (registered JWT claims removed), or null; never throws. */
export async function verifyPurposeToken(
  keyring: Keyring,
  purpose: string,
  token: string,
): Promise<Record<string, string> | null> {
  if (!PURPOSE_RE.test(purpose)) return null;
  const payload = await verify(keyring, token, purposeTyp(purpose), purposeAudience(purpose), ["exp", "iat"]);
  if (!payload) return null;
  const custom = Object.fromEntries(Object.entries(payload).filter(([name]) => !REGISTERED_CLAIMS.has(name)));
  const claims = purposeClaimsSchema.safeParse(custom);
  return claims.success ? claims.data : null;
}
