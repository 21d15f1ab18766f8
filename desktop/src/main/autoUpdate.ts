/**
 * Auto-update through electron-updater against the `publish` feed in desktop/electron-builder.yml
 * (a generic HTTPS server holding latest*.yml and the installers). Updates download in the
 * background and install when the app quits, after the agent has stopped and flushed (main.ts), or
 * at once from the tray's "Restart to update". electron-updater verifies the download's sha512
 * from the feed, and on Windows the installer's signature against the publisher name.
 */
import { app } from "electron";
import { autoUpdater } from "electron-updater";

const SIX_HOURS_MS = 6 * 3600_000;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AutoUpdates {
  /** The version downloaded and waiting for a restart, or null. */
  readyVersion(): string | null;
  /** Quits (through the normal stop-and-flush path) and installs the downloaded update. */
  restartAndInstall(): void;
  dispose(): void;
}

export function startAutoUpdates(opts: { log: Logger; onReady: (version: string) => void; beforeInstallQuit: () => void; intervalMs?: number }): AutoUpdates {
  let ready: string | null = null;
  const noop: AutoUpdates = { readyVersion: () => null, restartAndInstall: () => undefined, dispose: () => undefined };
  // Unpackaged runs have no app-update.yml (electron-builder writes it into the package).
  if (!app.isPackaged) return noop;

  autoUpdater.logger = opts.log;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowPrerelease = false;
  autoUpdater.allowDowngrade = false;
  autoUpdater.on("error", (e) => opts.log.error(`update failed: ${e.message}`));
  autoUpdater.on("update-downloaded", (info) => {
    ready = info.version;
    opts.onReady(info.version);
  });

  const check = () => {
    autoUpdater.checkForUpdates().catch((e: unknown) => opts.log.warn(`update check failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  check();
  const timer = setInterval(check, opts.intervalMs ?? SIX_HOURS_MS);
  timer.unref();

  return {
    readyVersion: () => ready,
    restartAndInstall: () => {
      if (ready === null) return;
      // quitAndInstall closes the windows before before-quit: the window must not veto that close.
      opts.beforeInstallQuit();
      autoUpdater.quitAndInstall(false, true);
    },
    dispose: () => clearInterval(timer),
  };
}
