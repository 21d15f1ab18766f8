/**
 * TOTP second factor (RFC 6238) and recovery codes.
 *
 * Parameters are the ones every authenticator app supports: SHA-1, 6 digits, 30 s. Stronger
 * hashes add nothing here (the security comes from the secret and the attempt limit) and several
 * apps silently ignore the `algorithm` parameter and show wrong codes.
 */
import { Secret, TOTP } from "otpauth";
import { renderSVG } from "uqr";
import { randomBytes, sha256Hex, timingSafeEqual } from "./encoding";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const SECRET_BYTES = 20; // RFC 4226 recommends 160 bits, the SHA-1 block-friendly size.

export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

function toSecret(secret: Uint8Array | string): Secret {
  if (typeof secret === "string") return Secret.fromBase32(secret);
  // Copy so the Secret owns exactly these bytes (a subarray's .buffer may be larger).
  return new Secret({ buffer: secret.slice().buffer });
}

export function generateTotpSecret(): string {
  return toSecret(randomBytes(SECRET_BYTES)).base32;
}

export function totpUri(opts: { secretBase32: string; account: string; issuer: string }): string {
  return new TOTP({
    issuer: opts.issuer,
    label: opts.account,
    secret: Secret.fromBase32(opts.secretBase32),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

export function totpQrSvg(uri: string): string {
  // ecc "M" survives a bit of screen glare or a partial crop better than uqr's default "L".
  return renderSVG(uri, { ecc: "M", border: 2 });
}

/** The code for `time` (ms since epoch). Low-level: tests and verifyTotp; not a verification API. */
export function totpAt(opts: {
  secret: Uint8Array | string;
  time: number;
  digits?: number;
  algorithm?: TotpAlgorithm;
  period?: number;
}): string {
  return TOTP.generate({
    secret: toSecret(opts.secret),
    timestamp: opts.time,
    digits: opts.digits ?? TOTP_DIGITS,
    algorithm: opts.algorithm ?? "SHA1",
    period: opts.period ?? TOTP_PERIOD_SECONDS,
  });
}

export type TotpResult = { ok: true; step: number } | { ok: false; reason: "invalid" | "reused" };

/**
 * Checks `code` against the steps now-window..now+window (clock skew between phone and server).
 *
 * The caller must store the returned `step` as the new `lastUsedStep`: a code is then single use,
 * and so is every earlier one, which stops replay of an observed code inside its ±30 s validity.
 * A malformed stored secret throws; that's a server-side data bug, not a wrong code.
 */
export function verifyTotp(opts: {
  secretBase32: string;
  code: string;
  now?: number;
  lastUsedStep?: number | null;
  window?: number;
}): TotpResult {
  const window = opts.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError("window must be an integer in 0..10");
  if (!/^[0-9]{6}$/.test(opts.code)) return { ok: false, reason: "invalid" };

  const secret = Secret.fromBase32(opts.secretBase32);
  const current = Math.floor((opts.now ?? Date.now()) / 1000 / TOTP_PERIOD_SECONDS);
  const last = opts.lastUsedStep ?? -Infinity;

  // Check every step in the window without stopping early, so timing doesn't reveal which one matched.
  let freshMatch: number | null = null;
  let staleMatch = false;
  for (let step = current - window; step <= current + window; step++) {
    const expected = TOTP.generate({
      secret,
      timestamp: step * TOTP_PERIOD_SECONDS * 1000,
      digits: TOTP_DIGITS,
      algorithm: "SHA1",
      period: TOTP_PERIOD_SECONDS,
    });
    if (timingSafeEqual(expected, opts.code)) {
      // Keep the latest fresh match: recording the highest step burns the most codes.
      if (step > last) freshMatch = step;
      else staleMatch = true;
    }
  }
  if (freshMatch !== null) return { ok: true, step: freshMatch };
  return { ok: false, reason: staleMatch ? "reused" : "invalid" };
}

// Crockford base32, lowercase: no i/l/o/u, so codes read aloud or written down stay unambiguous.
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_CHARS = 10; // 10 × 5 bits = 50 bits per code.

function recoveryCode(): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform over the alphabet.
  const chars = Array.from(randomBytes(RECOVERY_CHARS), (b) => RECOVERY_ALPHABET.charAt(b & 31)).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export function generateRecoveryCodes(n = 10): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RangeError("n must be an integer in 1..100");
  const codes = new Set<string>();
  while (codes.size < n) codes.add(recoveryCode());
  return [...codes];
}

/**
 * Lowercases, strips spaces and dashes, and maps the Crockford look-alikes (o→0, i/l→1) so a code
 * copied from paper still matches.
 */
export function normalizeRecoveryCode(code: string): string {
  return code
    .toLowerCase()
    .replace(/[\s-]/g, "")
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
}

/**
 * Plain SHA-256, not PBKDF2: each code carries 50 random bits, so brute-forcing a leaked hash is
 * already out of reach and a slow hash would only cost us CPU on every login attempt.
 */
export function hashRecoveryCode(code: string): Promise<string> {
  return sha256Hex(normalizeRecoveryCode(code));
}
