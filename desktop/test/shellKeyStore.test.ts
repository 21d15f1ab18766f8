import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KeyStoreUnavailableError, SafeStorageKeyStore, type SafeStorageLike } from "../src/main/safeStorageKeyStore";

/** Stands in for the OS keychain: a reversible transform plus a marker, and switches for failures. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend: ReturnType<SafeStorageLike["getSelectedStorageBackend"]> = "gnome_libsecret";
  reEncrypt = false;
  failDecrypt = false;
  encrypts = 0;
  generation = 1;

  async isAsyncEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  async encryptStringAsync(plain: string) {
    this.encrypts++;
    const body = Buffer.from(plain, "utf8").map((b) => b ^ 0x5a);
    return Buffer.concat([Buffer.from(`KC${this.generation}:`), body]);
  }
  async decryptStringAsync(sealed: Buffer) {
    if (this.failDecrypt) throw new Error("Error while decrypting the ciphertext provided to safeStorage.decryptString.");
    const text = sealed.toString("latin1");
    const m = /^KC(\d+):/.exec(text);
    if (!m) throw new Error("not ours");
    const body = sealed.subarray(m[0].length).map((b) => b ^ 0x5a);
    return { shouldReEncrypt: this.reEncrypt, result: Buffer.from(body).toString("utf8") };
  }
}

let dir: string;
let file: string;
let storage: FakeSafeStorage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wt-keystore-"));
  file = join(dir, "queue-key.json");
  storage = new FakeSafeStorage();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("SafeStorageKeyStore", () => {
  it("creates a random 32-byte key once, stores it only keychain-sealed in a 0600 file, and reads it back", async () => {
    const key = await new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey();
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.length).toBe(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file, "utf8");
    expect(raw).not.toContain(Buffer.from(key).toString("base64"));
    expect(raw).not.toContain(Buffer.from(key).toString("hex"));

    const again = await new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
    expect(storage.encrypts).toBe(1);

    const other = await new SafeStorageKeyStore(storage, join(dir, "other.json"), { platform: "linux" }).loadOrCreateKey();
    expect(Buffer.from(other).equals(Buffer.from(key))).toBe(false);
  });

  it("gives concurrent callers the same key and creates it once", async () => {
    const ks = new SafeStorageKeyStore(storage, file, { platform: "darwin" });
    const [a, b, c] = await Promise.all([ks.loadOrCreateKey(), ks.loadOrCreateKey(), ks.loadOrCreateKey()]);
    expect(Buffer.from(a).equals(Buffer.from(b)) && Buffer.from(b).equals(Buffer.from(c))).toBe(true);
    expect(storage.encrypts).toBe(1);
  });

  it("refuses when the keychain is unavailable, and writes nothing", async () => {
    storage.available = false;
    const ks = new SafeStorageKeyStore(storage, file, { platform: "win32" });
    await expect(ks.loadOrCreateKey()).rejects.toThrow(KeyStoreUnavailableError);
    await expect(ks.loadOrCreateKey()).rejects.toThrow(/keychain is not available/);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    // Once the keychain is back, the same instance works (failures are not cached).
    storage.available = true;
    expect((await ks.loadOrCreateKey()).length).toBe(32);
  });

  it("refuses Linux's plain-text fallback, which is not encryption", async () => {
    storage.backend = "basic_text";
    await expect(new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey()).rejects.toThrow(/Secret Service/);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    // The backend name is Linux-only; elsewhere it is not consulted.
    expect((await new SafeStorageKeyStore(storage, file, { platform: "darwin" }).loadOrCreateKey()).length).toBe(32);
  });

  it("never replaces a key it cannot read (the queue is encrypted under it)", async () => {
    await new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey();
    const before = await readFile(file, "utf8");

    storage.failDecrypt = true;
    await expect(new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey()).rejects.toThrow(/could not decrypt/);
    expect(await readFile(file, "utf8")).toBe(before);

    storage.failDecrypt = false;
    await writeFile(file, "{ torn");
    await expect(new SafeStorageKeyStore(storage, file, { platform: "linux" }).loadOrCreateKey()).rejects.toThrow(/damaged/);
    expect(await readFile(file, "utf8")).toBe("{ torn");
  });

  it("re-seals the same key when the keychain asks for it", async () => {
    const key = await new SafeStorageKeyStore(storage, file, { platform: "darwin" }).loadOrCreateKey();
    const before = await readFile(file, "utf8");
    storage.reEncrypt = true;
    storage.generation = 2;
    const again = await new SafeStorageKeyStore(storage, file, { platform: "darwin" }).loadOrCreateKey();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
    const after = await readFile(file, "utf8");
    expect(after).not.toBe(before);
    expect(Buffer.from(JSON.parse(after).sealed, "base64").toString("latin1").startsWith("KC2:")).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
