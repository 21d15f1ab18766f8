/** The settings cache: ETag round trips, an offline start from the encrypted copy, and what it refuses to trust. */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../src/core/sync/apiClient";
import { NetworkError } from "../src/core/sync/apiErrors";
import { SettingsCache } from "../src/core/sync/settingsCache";
import { memoryKeyStore, tempDir } from "./queueFixtures";
import { FakeServer, settingsDoc } from "./syncFakeServer";

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe("SettingsCache", () => {
  it("fetches with the ETag, keeps the last good copy encrypted on disk, and starts offline from it", async () => {
    let doc = settingsDoc(3, ["Patient record of Jane Example"]);
    let etag = '"3-aa"';
    const server = new FakeServer((req) => req.headers["if-none-match"] === etag
      ? { status: 304, headers: { etag } }
      : { status: 200, json: doc, headers: { etag } });
    servers.push(await server.start());
    const keyStore = memoryKeyStore();
    const path = join(await tempDir("wt-settings-"), "agent", "settings.bin");
    const api = new ApiClient({ server: server.url, token: "wtd_x" });

    const cache = await SettingsCache.open({ path, keyStore, api });
    expect(cache.current()).toBeNull();
    const changes: unknown[] = [];
    cache.onChange((s) => changes.push(s));
    expect(await cache.refresh()).toEqual({ settings: doc, changed: true });
    expect(cache.etag).toBe('"3-aa"');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const raw = await readFile(path);
    expect(raw.includes(Buffer.from("Jane Example"))).toBe(false);
    expect(raw.includes(Buffer.from("crm.example"))).toBe(false);

    // Unchanged: a conditional request, answered 304.
    expect(await cache.refresh()).toEqual({ settings: doc, changed: false });
    expect(server.requests[1]!.headers["if-none-match"]).toBe('"3-aa"');
    expect(changes).toHaveLength(1);

    // The server goes away; a restarted agent still has the settings (and their ETag).
    const port = server.port;
    await server.stop();
    const offline = await SettingsCache.open({ path, keyStore, api });
    expect(offline.current()).toEqual(doc);
    expect(offline.etag).toBe('"3-aa"');
    expect(offline.loadProblem).toBeNull();
    await expect(offline.refresh()).rejects.toBeInstanceOf(NetworkError);
    expect(offline.current()).toEqual(doc);

    // Back, with changed settings: the new copy replaces the old one.
    doc = settingsDoc(4, ["Salary"]);
    etag = '"4-bb"';
    servers.push(await server.start(port));
    expect(await offline.refresh()).toEqual({ settings: doc, changed: true });
    expect((await SettingsCache.open({ path, keyStore, api })).current()).toEqual(doc);
  });

  it("ignores a damaged copy or one under another key, and forgets everything on clear()", async () => {
    const server = new FakeServer(() => ({ status: 200, json: settingsDoc(1), headers: { etag: '"1-x"' } }));
    servers.push(await server.start());
    const keyStore = memoryKeyStore();
    const path = join(await tempDir("wt-settings-"), "settings.bin");
    const api = new ApiClient({ server: server.url, token: "wtd_x" });
    const cache = await SettingsCache.open({ path, keyStore, api });
    await cache.refresh();

    expect((await SettingsCache.open({ path, keyStore: memoryKeyStore(), api })).current()).toBeNull();
    const bytes = await readFile(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x10;
    await writeFile(path, bytes);
    const damaged = await SettingsCache.open({ path, keyStore, api });
    expect(damaged.current()).toBeNull();
    expect(damaged.loadProblem).toMatch(/do not decrypt/);
    // Without a usable copy the next fetch is unconditional.
    await damaged.refresh();
    expect(server.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();

    await damaged.clear();
    await expect(stat(path)).rejects.toThrow();
    expect(damaged.current()).toBeNull();
  });

  it("keeps the current settings when the server sends a document it cannot parse", async () => {
    let bad = false;
    const server = new FakeServer(() => ({ status: 200, json: bad ? { ...settingsDoc(2), settings: { idlePolicy: "telepathy" } } : settingsDoc(1), headers: { etag: bad ? '"2"' : '"1"' } }));
    servers.push(await server.start());
    const path = join(await tempDir("wt-settings-"), "settings.bin");
    const cache = await SettingsCache.open({ path, keyStore: memoryKeyStore(), api: new ApiClient({ server: server.url, token: "wtd_x" }) });
    await cache.refresh();
    bad = true;
    await expect(cache.refresh()).rejects.toThrow(/does not match the protocol/);
    expect(cache.current()).toEqual(settingsDoc(1));
  });
});
