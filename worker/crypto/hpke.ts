/**
 * Screenshot encryption (RFC 9180 HPKE via @hpke/core; no hand-rolled crypto).
 *
 * The agent seals each image to its workspace's public key before it touches disk or network; only the
 * Worker, holding the workspace private key (itself stored wrapped by the SCREENSHOT_KEK secret), can
 * open it. Suite: DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM — P-256 is available in every
 * runtime we target (workerd, Node 20, Electron). The AAD binds a ciphertext to its workspace, member
 * and shot id, so a blob cannot be replayed as someone else's screenshot.
 *
 * Envelope: "WTS1" | u16 big-endian length of enc | enc | HPKE ciphertext.
 * Used by the Worker and (through a relative import) by the desktop agent.
 */
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from "@hpke/core";

const MAGIC = new TextEncoder().encode("WTS1");
const suite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

export interface ShotBinding {
  workspaceId: string;
  memberId: string;
  shotId: string;
  /** "full" or "thumb": the two images of one shot are not interchangeable either. */
  variant: "full" | "thumb";
}

const aadOf = (b: ShotBinding) => new TextEncoder().encode(`worktrail-shot-v1|${b.workspaceId}|${b.memberId}|${b.shotId}|${b.variant}`);

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export interface WorkspaceKeyPair {
  /** Uncompressed P-256 point, base64: what agents download. */
  publicKey: string;
  /** Raw private scalar. Never stored or sent unwrapped. */
  privateKey: Uint8Array;
}

export async function generateWorkspaceKeyPair(): Promise<WorkspaceKeyPair> {
  const kp = await suite.kem.generateKeyPair();
  return {
    publicKey: b64(new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey))),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(kp.privateKey)),
  };
}

export async function sealScreenshot(publicKeyB64: string, image: Uint8Array, binding: ShotBinding): Promise<Uint8Array> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(unb64(publicKeyB64));
  const { ct: ciphertext, enc } = await suite.seal({ recipientPublicKey }, image, aadOf(binding));
  const encBytes = new Uint8Array(enc);
  const out = new Uint8Array(MAGIC.length + 2 + encBytes.length + ciphertext.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint16(MAGIC.length, encBytes.length);
  out.set(encBytes, MAGIC.length + 2);
  out.set(new Uint8Array(ciphertext), MAGIC.length + 2 + encBytes.length);
  return out;
}

export class EnvelopeError extends Error {}

/** Opens an envelope; throws on a malformed envelope, a wrong key, a wrong binding or any tampering. */
export async function openScreenshot(privateKey: Uint8Array, envelope: Uint8Array, binding: ShotBinding): Promise<Uint8Array> {
  if (envelope.length < MAGIC.length + 2 || !MAGIC.every((b, i) => envelope[i] === b)) throw new EnvelopeError("not a Worktrail screenshot envelope");
  const encLen = new DataView(envelope.buffer, envelope.byteOffset).getUint16(MAGIC.length);
  const start = MAGIC.length + 2;
  if (envelope.length < start + encLen + 16) throw new EnvelopeError("truncated envelope");
  const recipientKey = await suite.kem.deserializePrivateKey(privateKey);
  const enc = envelope.slice(start, start + encLen);
  const ct = envelope.slice(start + encLen);
  try {
    return new Uint8Array(await suite.open({ recipientKey, enc }, ct, aadOf(binding)));
  } catch {
    throw new EnvelopeError("screenshot failed authentication (wrong key, wrong owner or tampered)");
  }
}

/**
 * Wraps a workspace private key with the key-encryption key (AES-256-GCM, AAD = workspace id), so a
 * database copy alone reveals nothing, and a wrapped key cannot be moved to another workspace.
 * Format: "v1.<iv b64>.<ciphertext b64>".
 */
export async function wrapPrivateKey(privateKey: Uint8Array, kekB64: string, workspaceId: string): Promise<string> {
  const key = await importKek(kekB64);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(workspaceId) }, key, new Uint8Array(privateKey));
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

export async function unwrapPrivateKey(wrapped: string, kekB64: string, workspaceId: string): Promise<Uint8Array> {
  const [v, iv, ct] = wrapped.split(".");
  if (v !== "v1" || !iv || !ct) throw new EnvelopeError("unknown wrapped-key format");
  const key = await importKek(kekB64);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: new TextEncoder().encode(workspaceId) }, key, unb64(ct)));
  } catch {
    throw new EnvelopeError("workspace key cannot be unwrapped (wrong key-encryption key or workspace)");
  }
}

async function importKek(kekB64: string): Promise<CryptoKey> {
  const raw = unb64(kekB64);
  if (raw.length !== 32) throw new Error("SCREENSHOT_KEK must be 32 bytes, base64");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}
