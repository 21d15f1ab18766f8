/**
 * The device token and whom it stands for, sealed with the data key (AES-256-GCM under a subkey of
 * its own) in the data directory. The token is a password-equivalent for this member's tracking
 * data: it never sits on disk in the clear.
 */
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { KeyStore } from "./ports";
import { writeFileAtomic } from "./queue/durableFs";
import { deriveFileKey, open, seal } from "./queue/sealing";

export const CREDENTIALS_FILE = "device.wtc";
const MAGIC = Buffer.from("WTCRED1\n", "latin1");
const SALT_BYTES = 16;
const KEY_INFO = "worktrail device credentials v1";

export const Credentials = z.strictObject({
  server: z.string().url(),
  deviceToken: z.string().min(1),
  deviceId: z.string(),
  workspaceId: z.string(),
  memberId: z.string(),
});
export type Credentials = z.infer<typeof Credentials>;

export async function loadCredentials(dataDir: string, keyStore: KeyStore): Promise<Credentials | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dataDir, CREDENTIALS_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${CREDENTIALS_FILE} is not a credentials file.`);
  const salt = bytes.subarray(MAGIC.length, MAGIC.length + SALT_BYTES);
  const key = deriveFileKey(await keyStore.loadOrCreateKey(), salt, KEY_INFO);
  const plain = open(key, bytes.subarray(MAGIC.length + SALT_BYTES), MAGIC);
  return Credentials.parse(JSON.parse(plain.toString("utf8")));
}

export async function saveCredentials(dataDir: string, keyStore: KeyStore, c: Credentials): Promise<void> {
  const salt = randomBytes(SALT_BYTES);
  const key = deriveFileKey(await keyStore.loadOrCreateKey(), salt, KEY_INFO);
  const box = seal(key, Buffer.from(JSON.stringify(Credentials.parse(c)), "utf8"), MAGIC);
  await writeFileAtomic(join(dataDir, CREDENTIALS_FILE), Buffer.concat([MAGIC, salt, box]));
}

export async function forgetCredentials(dataDir: string): Promise<void> {
  await rm(join(dataDir, CREDENTIALS_FILE), { force: true });
}
