/**
 * AES-256-GCM sealing of what the agent keeps on disk (the queue's records, the settings cache).
 *
 * The KeyStore's key is never used directly: each file derives its own subkey with HKDF from a
 * random per-file salt. Random 96-bit nonces are then drawn under a fresh key per file (a queue file
 * lives until its next compaction), which keeps the nonce-collision bound far out of reach even for
 * an agent that runs for years, and a record copied into another file does not even decrypt there.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a sealed box adds to its plaintext. */
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

/** Thrown when a box does not authenticate: wrong key, wrong associated data, or altered bytes. */
export class SealError extends Error {
  constructor(message = "The encrypted data does not authenticate (damaged, altered or sealed under another key).") {
    super(message);
    this.name = "SealError";
  }
}

export function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new Error(`The queue key must be ${KEY_BYTES} bytes, got ${key.length}.`);
}

/** A subkey for one file (`salt` is the file's random id) and one purpose (`info`). */
export function deriveFileKey(master: Uint8Array, salt: Uint8Array, info: string): Buffer {
  assertKey(master);
  return Buffer.from(hkdfSync("sha256", master, salt, Buffer.from(info, "utf8"), KEY_BYTES));
}

/** nonce | ciphertext | tag, authenticated together with `aad` (which is not stored). */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The plaintext of a box made by `seal` with the same key and aad, or SealError. Never partial output. */
export function open(key: Uint8Array, box: Uint8Array, aad: Uint8Array): Buffer {
  if (box.length < SEAL_OVERHEAD) throw new SealError("The encrypted data is truncated.");
  const nonce = box.subarray(0, NONCE_BYTES);
  const tag = box.subarray(box.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  // update() output is only returned after final() has verified the tag, so altered bytes never escape.
  const out = decipher.update(box.subarray(NONCE_BYTES, box.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    throw new SealError();
  }
  return out;
}
