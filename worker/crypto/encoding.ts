/**
 * Byte/string helpers shared by the crypto modules. WebCrypto only, so they run unchanged in
 * workerd, the vitest pool and browsers.
 */

const utf8 = new TextEncoder();

const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  // btoa wants a "binary string"; build it in chunks so large inputs don't blow the
  // argument limit of String.fromCharCode.apply.
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes unpadded (or padded) base64url. Throws on anything else: callers that handle untrusted
 * input must catch, and a strict decoder means one stored value has exactly one spelling.
 */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const unpadded = s.replace(/=+$/, "");
  if (!BASE64URL_RE.test(unpadded) || unpadded.length % 4 === 1) {
    throw new TypeError("invalid base64url");
  }
  const b64 = unpadded.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("randomBytes: n must be a non-negative integer");
  const out = new Uint8Array(n);
  // getRandomValues refuses more than 65,536 bytes per call.
  const MAX = 65_536;
  for (let i = 0; i < n; i += MAX) crypto.getRandomValues(out.subarray(i, Math.min(n, i + MAX)));
  return out;
}

/** URL/cookie-safe random identifier; 32 bytes = 256 bits, beyond any guessing. */
export function randomToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}

export function utf8Bytes(s: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(s));
}

export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  // Copying a caller's view gives WebCrypto a plain ArrayBuffer-backed array (TS 5.9 types reject
  // SharedArrayBuffer-backed views) and costs nothing at these sizes.
  const data = typeof input === "string" ? utf8Bytes(input) : new Uint8Array(input);
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

/**
 * Compares in time that depends only on the lengths, never on where the first difference is, so
 * an attacker can't learn a secret byte by byte from response timing. A length mismatch still
 * walks the longer input and then fails.
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === "string" ? utf8.encode(a) : a;
  const y = typeof b === "string" ? utf8.encode(b) : b;
  const len = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < len; i++) {
    // Past the end of the shorter input we compare against 0; whether that happens depends only
    // on the lengths, which the caller already knows or which are not secret.
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
