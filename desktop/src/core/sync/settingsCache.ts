/**
 * The workspace's tracking settings and rules, fetched with their ETag and kept on disk so the agent
 * starts (and keeps obeying the exclusions) while the server is unreachable.
 *
 * Encrypted with the queue's key rather than plain JSON: the document holds no recorded activity,
 * but exclusion keywords and rule patterns are the workspace's words for what is sensitive (a
 * patient's name, a client's CRM domain), and the member and device ids tie it to a person. It costs
 * nothing to keep them as private as the queue.
 *
 * File: "WTSET1\n\0" | salt (16) | AES-256-GCM box under HKDF(key, salt), aad = magic | salt. Written
 * atomically (temporary file, fsync, rename), so a crash leaves the old or the new copy. A copy that
 * does not decrypt or parse is ignored (it is only a cache): the agent fetches a fresh one.
 */
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { KeyStore } from "../ports";
import { ensurePrivateDir, writeFileAtomic } from "../queue/durableFs";
import { deriveFileKey, open, seal } from "../queue/sealing";
import { AgentSettings } from "./agentSchemas";
import type { SettingsAnswer } from "./apiClient";

const MAGIC = Buffer.from("WTSET1\n\0", "latin1");
const SALT_BYTES = 16;
const KEY_INFO = "worktrail settings cache v1";

const Cached = z.object({ etag: z.string().nullable(), fetchedAt: z.number(), settings: AgentSettings });
type Cached = z.infer<typeof Cached>;

/** What the cache needs of the server (ApiClient). */
export interface SettingsSource {
  settings(etag: string | null, signal?: AbortSignal): Promise<SettingsAnswer>;
}

export interface SettingsCacheOptions {
  path: string;
  keyStore: KeyStore;
  api: SettingsSource;
  now?: () => number;
}

export class SettingsCache {
  private cached: Cached | null = null;
  private readonly listeners = new Set<(s: AgentSettings) => void>();

  private constructor(
    private readonly opts: SettingsCacheOptions,
    private readonly key: Uint8Array,
    /** Why a cached copy on disk was not used, if one was there. */
    readonly loadProblem: string | null,
  ) {}

  /** Loads the last good settings from disk (if any). */
  static async open(opts: SettingsCacheOptions): Promise<SettingsCache> {
    const key = await opts.keyStore.loadOrCreateKey();
    let bytes: Buffer | null = null;
    try {
      bytes = await readFile(opts.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (!bytes) return new SettingsCache(opts, key, null);
    const decoded = decode(bytes, key);
    const cache = new SettingsCache(opts, key, typeof decoded === "string" ? decoded : null);
    if (typeof decoded !== "string") cache.cached = decoded;
    return cache;
  }

  /** The settings to obey now: the last good copy (from the server or the disk), or null before the first fetch. */
  current(): AgentSettings | null {
    return this.cached?.settings ?? null;
  }

  get etag(): string | null {
    return this.cached?.etag ?? null;
  }

  /** When the settings in use were fetched (epoch ms). */
  get fetchedAt(): number | null {
    return this.cached?.fetchedAt ?? null;
  }

  /** Called with the new settings whenever a fetch brings different ones. */
  onChange(listener: (s: AgentSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the server (If-None-Match with the cached ETag). Network and API errors are thrown and the
   * current settings stay in force; the caller decides when to try again.
   */
  async refresh(signal?: AbortSignal): Promise<{ settings: AgentSettings; changed: boolean }> {
    const now = this.opts.now ?? Date.now;
    const answer = await this.opts.api.settings(this.cached ? this.cached.etag : null, signal);
    if (answer.notModified) {
      if (this.cached) return { settings: this.cached.settings, changed: false };
      // A 304 without a cached copy cannot be used: ask again without the tag.
      return this.refreshUnconditionally(signal, now());
    }
    return this.store({ etag: answer.etag, fetchedAt: now(), settings: answer.settings });
  }

  /** Forgets the cached settings (sign-out; another workspace's rules must not apply to the next sign-in). */
  async clear(): Promise<void> {
    this.cached = null;
    await rm(this.opts.path, { force: true });
  }

  private async refreshUnconditionally(signal: AbortSignal | undefined, now: number) {
    const answer = await this.opts.api.settings(null, signal);
    if (answer.notModified) throw new Error("The server answered 304 to a request without If-None-Match.");
    return this.store({ etag: answer.etag, fetchedAt: now, settings: answer.settings });
  }

  private async store(next: Cached): Promise<{ settings: AgentSettings; changed: boolean }> {
    const changed = JSON.stringify(this.cached?.settings ?? null) !== JSON.stringify(next.settings);
    await ensurePrivateDir(dirname(this.opts.path));
    await writeFileAtomic(this.opts.path, encode(next, this.key));
    this.cached = next;
    if (changed) for (const l of this.listeners) l(next.settings);
    return { settings: next.settings, changed };
  }
}

function encode(c: Cached, master: Uint8Array): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const aad = Buffer.concat([MAGIC, salt]);
  return Buffer.concat([aad, seal(deriveFileKey(master, salt, KEY_INFO), Buffer.from(JSON.stringify(c), "utf8"), aad)]);
}

/** The cached document, or why it cannot be used. */
function decode(bytes: Buffer, master: Uint8Array): Cached | string {
  if (bytes.length < MAGIC.length + SALT_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return "not a settings cache file";
  const aad = bytes.subarray(0, MAGIC.length + SALT_BYTES);
  const salt = aad.subarray(MAGIC.length);
  let plain: Buffer;
  try {
    plain = open(deriveFileKey(master, salt, KEY_INFO), bytes.subarray(aad.length), aad);
  } catch {
    return "the cached settings do not decrypt (damaged, or another key)";
  }
  try {
    const parsed = Cached.safeParse(JSON.parse(plain.toString("utf8")));
    return parsed.success ? parsed.data : "the cached settings do not match the current format";
  } catch {
    return "the cached settings are not JSON";
  }
}
