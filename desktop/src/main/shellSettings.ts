/**
 * The shell's own preferences (auto-launch, last server, last project for the tray's Start), in
 * userData/shell-settings.json. Nothing personal beyond the server address, so plain JSON; parsed
 * with zod on read, and a damaged or older file falls back to the defaults instead of blocking start.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ShellSettings } from "../preload/api";
import { ServerUrl, StartInput } from "./ipcSchemas";

const FILE = "shell-settings.json";

export const DEFAULT_SETTINGS: ShellSettings = {
  // On by default: launching at login starts the app signed in but stopped; it never starts a timer.
  autoLaunch: true,
  lastServer: null,
  lastStart: { projectId: null, taskId: null, note: "" },
};

const Stored = z.object({
  autoLaunch: z.boolean().catch(DEFAULT_SETTINGS.autoLaunch),
  lastServer: ServerUrl.nullable().catch(null),
  lastStart: StartInput.catch(DEFAULT_SETTINGS.lastStart),
});

export class ShellSettingsStore {
  private current: ShellSettings = structuredClone(DEFAULT_SETTINGS);
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  get(): ShellSettings {
    return structuredClone(this.current);
  }

  async load(): Promise<ShellSettings> {
    try {
      const parsed = Stored.safeParse(JSON.parse(await readFile(join(this.dir, FILE), "utf8")));
      if (parsed.success) this.current = parsed.data;
    } catch {
      // Missing or unreadable JSON: first run, or a damaged file; the defaults apply.
    }
    return this.get();
  }

  /** Applies `patch` and writes the file (writes are serialized; each replaces the file atomically). */
  update(patch: Partial<ShellSettings>): Promise<ShellSettings> {
    this.current = { ...this.current, ...structuredClone(patch) };
    const snapshot = JSON.stringify(this.current, null, 2);
    this.writes = this.writes.catch(() => undefined).then(async () => {
      await mkdir(this.dir, { recursive: true });
      const tmp = join(this.dir, `${FILE}.tmp`);
      await writeFile(tmp, snapshot, { mode: 0o600 });
      await rename(tmp, join(this.dir, FILE));
    });
    return this.writes.then(() => this.get());
  }
}
