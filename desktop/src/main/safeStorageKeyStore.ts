/**
 * The queue's 32-byte data key, protected by the OS keychain through Electron's safeStorage
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux). Only the keychain-sealed form
 * is written to disk (userData, mode 0600).
 *
 * This file imports Electron's types only: main.ts passes the real `safeStorage`, tests a fake.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile, link, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { SafeStorage } from "electron";
import { z } from "zod";
import type { KeyStore } from "../core/ports";

export type SafeStorageLike = Pick<SafeStorage, "isAsyncEncryptionAvailable" | "encryptStringAsync" | "decryptStringAsync" | "getSelectedStorageBackend">;

export class KeyStoreUnavailableError extends Error {
  override name = "KeyStoreUnavailableError";
}

const KEY_BYTES = 32;

/** What the key file holds: the keychain-sealed key, base64. Versioned so the format can change. */
const KeyFile = z.strictObject({ v: z.literal(1), sealed: z.string().min(1).max(4096) });

export interface SafeStorageKeyStoreOptions {
  /** Defaults to process.platform; injectable so tests cover the Linux backend check anywhere. */
  platform?: NodeJS.Platform;
}

export class SafeStorageKeyStore implements KeyStore {
  private key: Promise<Uint8Array> | null = null;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly storage: SafeStorageLike, private readonly file: string, opts: SafeStorageKeyStoreOptions = {}) {
    this.platform = opts.platform ?? process.platform;
  }

  loadOrCreateKey(): Promise<Uint8Array> {
    // One load per process: concurrent callers share it, and a failure is retried on the next call.
    this.key ??= this.load().catch((e: unknown) => {
      this.key = null;
      throw e;
    });
    return this.key;
  }

  private async load(): Promise<Uint8Array> {
    await this.requireEncryption();
    let raw: string;
    try {
      raw = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return this.create();
    }
    return this.unseal(raw);
  }

  private async requireEncryption(): Promise<void> {
    if (!(await this.storage.isAsyncEncryptionAvailable())) {
      throw new KeyStoreUnavailableError(
        "The operating system's keychain is not available, so Worktrail cannot encrypt its offline data. " +
          "Unlock or set up the keychain (on Linux: a Secret Service such as GNOME Keyring or KWallet) and start Worktrail again.",
      );
    }
    // On Linux without a keyring, Chromium falls back to a hard-coded password ("basic_text"):
    // that is obfuscation, not encryption at rest, which is what the product promises.
    if (this.platform === "linux" && this.storage.getSelectedStorageBackend() === "basic_text") {
      throw new KeyStoreUnavailableError(
        "No Secret Service (GNOME Keyring, KWallet) was found, so Worktrail cannot encrypt its offline data. " +
          "Install and unlock one, then start Worktrail again.",
      );
    }
  }

  private async create(): Promise<Uint8Array> {
    const key = new Uint8Array(randomBytes(KEY_BYTES));
    const body = await this.sealToJson(key);
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    // Written in full and synced under a temporary name, then linked into place: link() fails when
    // the file exists, so two racing starts never overwrite each other's key, and a crash never
    // leaves a torn key file (which would make the queue unreadable).
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(body, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      await unlink(tmp);
      return this.unseal(await readFile(this.file, "utf8"));
    }
    await unlink(tmp);
    return key;
  }

  private async unseal(raw: string): Promise<Uint8Array> {
    let parsed: z.infer<typeof KeyFile>;
    try {
      parsed = KeyFile.parse(JSON.parse(raw));
    } catch {
      throw new KeyStoreUnavailableError(`The key file ${this.file} is damaged; the offline queue it protects cannot be read.`);
    }
    let result: string;
    let shouldReEncrypt: boolean;
    try {
      ({ result, shouldReEncrypt } = await this.storage.decryptStringAsync(Buffer.from(parsed.sealed, "base64")));
    } catch (e) {
      // Never replace the key silently: the queued records are encrypted under it.
      throw new KeyStoreUnavailableError(
        `The operating system's keychain could not decrypt the key of the offline queue (${(e as Error).message}). ` +
          "This happens when the keychain was reset or belongs to another user.",
      );
    }
    const key = new Uint8Array(Buffer.from(result, "base64"));
    if (key.length !== KEY_BYTES) throw new KeyStoreUnavailableError(`The key file ${this.file} does not hold a ${KEY_BYTES}-byte key.`);
    if (shouldReEncrypt) await this.rewrite(key);
    return key;
  }

  /** The keychain rotated its own key: store the data key sealed under the new one (same data key). */
  private async rewrite(key: Uint8Array): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, await this.sealToJson(key), { mode: 0o600, flag: "wx" });
    await rename(tmp, this.file);
  }

  private async sealToJson(key: Uint8Array): Promise<string> {
    const sealed = await this.storage.encryptStringAsync(Buffer.from(key).toString("base64"));
    return JSON.stringify({ v: 1, sealed: Buffer.from(sealed).toString("base64") } satisfies z.infer<typeof KeyFile>);
  }
}
