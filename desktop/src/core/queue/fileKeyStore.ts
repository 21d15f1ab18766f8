/**
 * The headless agent's KeyStore: the queue key as 32 raw bytes in a file only its owner can read
 * (there is no OS keychain on a server without a session). A key file that group or others can
 * read, or that belongs to another user, is refused rather than used: anyone who can read it can
 * read the queue, so using it silently would turn "encrypted at rest" into a formality.
 */
import { randomBytes } from "node:crypto";
import { link, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { KeyStore } from "../ports";
import { ensurePrivateDir, syncDir } from "./durableFs";
import { KEY_BYTES } from "./sealing";

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFileError";
  }
}

export class FileKeyStore implements KeyStore {
  constructor(readonly path: string) {}

  async loadOrCreateKey(): Promise<Uint8Array> {
    const existing = await this.read();
    if (existing) return existing;
    await ensurePrivateDir(dirname(this.path));
    const key = randomBytes(KEY_BYTES);
    // Written completely under a temporary name, then linked into place: a crash never leaves a short
    // key file, and link() fails instead of overwriting a key another process created meanwhile
    // (overwriting would orphan that process's queue).
    const tmp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(key);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const raced = await this.read();
      if (raced) return raced;
      throw e;
    } finally {
      await rm(tmp, { force: true });
    }
    await syncDir(dirname(this.path));
    return new Uint8Array(key);
  }

  /** The key, or null when there is no key file yet. */
  private async read(): Promise<Uint8Array | null> {
    let st;
    try {
      st = await stat(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    if (process.platform !== "win32") {
      if ((st.mode & 0o077) !== 0) {
        throw new KeyFileError(
          `The queue key file ${this.path} is readable or writable by other users (mode ${(st.mode & 0o777).toString(8)}). ` +
          `Run \`chmod 600 ${this.path}\` if this is your key, or remove it to start a new queue (unsent records are then lost).`,
        );
      }
      if (typeof process.getuid === "function" && st.uid !== process.getuid()) {
        throw new KeyFileError(`The queue key file ${this.path} belongs to another user (uid ${st.uid}); refusing to use it.`);
      }
    }
    if (!st.isFile()) throw new KeyFileError(`${this.path} is not a regular file.`);
    const key = await readFile(this.path);
    if (key.length !== KEY_BYTES) {
      throw new KeyFileError(`The queue key file ${this.path} holds ${key.length} bytes instead of ${KEY_BYTES}; it is damaged or not a key file.`);
    }
    return new Uint8Array(key);
  }
}
