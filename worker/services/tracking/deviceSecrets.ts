/**
 * The two secrets of agent sign-in:
 * - the one-time code a member reads off the web app and types into the agent: 8 characters of
 *   Crockford base32 (40 random bits; no I, L, O or U, so it survives being read aloud), valid for
 *   10 minutes, single use, throttled per address, stored only as a keyed hash;
 * - the device token the agent keeps: `wtd_` + 32 random bytes (base64url), stored as its sha256.
 *   The prefix lets anyone (and the session middleware) tell it from a user's JWT at a glance.
 */
import { randomBytes, randomToken, sha256Hex } from "../../crypto/encoding";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const DEVICE_CODE_LENGTH = 8;
export const DEVICE_CODE_TTL_MS = 10 * 60_000;

export const DEVICE_TOKEN_PREFIX = "wtd_";
const DEVICE_TOKEN_RE = /^wtd_[A-Za-z0-9_-]{43}$/;

export function generateDeviceCode(): string {
  // 5 bytes = 40 bits = exactly 8 base32 digits; the value stays below 2^53, so plain numbers do.
  const bytes = randomBytes(5);
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  let code = "";
  for (let i = DEVICE_CODE_LENGTH - 1; i >= 0; i--) code += CROCKFORD[Math.floor(value / 32 ** i) % 32];
  return code;
}

/**
 * The canonical form of a typed code, or null when it cannot be one. Crockford's decoding rules:
 * case-insensitive, I and L read as 1, O as 0; hyphens and spaces (as we display "ABCD-EFGH") ignored.
 */
export function normalizeDeviceCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (code.length !== DEVICE_CODE_LENGTH) return null;
  for (const ch of code) if (!CROCKFORD.includes(ch)) return null;
  return code;
}

/** Codes carry only 40 bits, so the stored hash is keyed with the pepper: a leaked table alone reveals nothing. */
export const hashDeviceCode = (code: string, pepper: string) => sha256Hex(`worktrail-device-code|${pepper}|${code}`);

export const generateDeviceToken = () => DEVICE_TOKEN_PREFIX + randomToken(32);
export const isDeviceTokenShape = (token: string) => DEVICE_TOKEN_RE.test(token);
/** 256 random bits need no key or salt: a plain hash is enough to make a stolen table useless. */
export const hashDeviceToken = (token: string) => sha256Hex(token);
