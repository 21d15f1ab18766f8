/**
 * The Electron main process: one instance per user, a tray icon, a small window, and the agent
 * behind them. It talks to the agent only through DesktopAgent (AgentFacade + facadeProposal.ts),
 * obtained from agentFactory.ts.
 *
 * Lifecycle: closing the window hides it; Quit (tray, Cmd+Q, OS shutdown, update install) stops the
 * timer, flushes the queue for a few seconds and closes the agent before the process exits
 * (shutdown.ts). Sleep, screen lock and shutdown reach the agent as SystemEvents, which stop the
 * timer; waking up never restarts it.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { app, dialog, powerMonitor, safeStorage } from "electron";
import type { SystemEvent } from "../core/ports";
import { createDesktopAgent } from "./agentFactory";
import { applyAutoLaunch, launchedAtLogin } from "./autoLaunch";
import { startAutoUpdates } from "./autoUpdate";
import type { DesktopAgent } from "./facadeProposal";
import { registerIpc } from "./ipc";
import { SafeStorageKeyStore } from "./safeStorageKeyStore";
import { hardenAfterReady, hardenBeforeReady } from "./security";
import { ShellSettingsStore } from "./shellSettings";
import { shutdownAgent } from "./shutdown";
import { systemEventForwarder } from "./systemEvents";
import { TrayController } from "./tray";
import { trayModel, type TrayAction } from "./trayModel";
import { MainWindow } from "./window";

const log = {
  info: (m: string) => console.log(`[worktrail] ${m}`),
  warn: (m: string) => console.warn(`[worktrail] ${m}`),
  error: (m: string) => console.error(`[worktrail] ${m}`),
};

/** Quit waits this long for uploads, and at most HARD_DEADLINE_MS for the agent in total. */
const FLUSH_TIMEOUT_MS = 5_000;
const HARD_DEADLINE_MS = 8_000;
/** The tray and the window follow the agent at most this often (its totals change every second). */
const REFRESH_MS = 1_000;

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: "macOS", win32: "Windows", linux: "Linux" };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Calls `fn` at most once per `ms`, always with a trailing call so the last change is shown. */
function throttle(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | null = null;
  let again = false;
  const run = () => {
    timer = null;
    if (!again) return;
    again = false;
    fn();
    timer = setTimeout(run, ms);
  };
  return () => {
    again = true;
    if (timer === null) run();
  };
}

hardenBeforeReady();

if (!app.requestSingleInstanceLock()) {
  // Another Worktrail runs for this user: it shows its window (second-instance) and we leave.
  app.quit();
} else {
  void start().catch((e: unknown) => {
    log.error(`start failed: ${message(e)}`);
    dialog.showErrorBox("Worktrail could not start", message(e));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  let window: MainWindow | null = null;
  app.on("second-instance", () => window?.show());
  // A tray app: the last window closing (it only ever hides) must not quit.
  app.on("window-all-closed", () => undefined);
  process.on("unhandledRejection", (e) => log.error(`unhandled rejection: ${message(e)}`));

  await app.whenReady();
  if (process.platform === "win32") app.setAppUserModelId("dev.worktrail.agent");

  const appDir = app.getAppPath();
  hardenAfterReady(join(appDir, "renderer"));

  const userData = app.getPath("userData");
  const settings = new ShellSettingsStore(userData);
  await settings.load();

  let agent: DesktopAgent;
  try {
    agent = await createDesktopAgent({
      dataDir: join(userData, "agent"),
      keyStore: new SafeStorageKeyStore(safeStorage, join(userData, "queue-key.json")),
      device: {
        name: hostname(),
        os: `${PLATFORM_NAMES[process.platform] ?? process.platform} ${process.getSystemVersion()}`,
        agentVersion: app.getVersion(),
      },
      systemIdleSeconds: () => powerMonitor.getSystemIdleTime(),
    });
  } catch (e) {
    dialog.showErrorBox("Worktrail could not start", message(e));
    app.exit(1);
    return;
  }

  const forward = systemEventForwarder(agent, log.warn);
  const mainWindow = new MainWindow({
    preload: join(appDir, "preload.cjs"),
    // Windows log-off or shutdown: stop the timer first, then quit the normal way.
    onSessionEnd: () => void forward("shutdown").finally(() => app.quit()),
  });
  window = mainWindow;
  app.on("activate", () => mainWindow.show()); // macOS: the Dock icon was clicked

  const updates = startAutoUpdates({ log, onReady: () => refresh(), beforeInstallQuit: () => mainWindow.allowClose() });
  registerIpc({ window: mainWindow, agent, settings, updates, applyAutoLaunch });

  const onTrayAction = (action: TrayAction) => {
    switch (action) {
      case "start":
        agent.start(settings.get().lastStart).catch((e: unknown) => {
          log.warn(`start from the tray failed: ${message(e)}`);
          mainWindow.show(); // the window says why and lets the employee pick another project
        });
        return;
      case "stop":
        agent.stop().catch((e: unknown) => log.warn(`stop from the tray failed: ${message(e)}`));
        return;
      case "open":
        mainWindow.show();
        return;
      case "restart-to-update":
        updates.restartAndInstall();
        return;
      case "quit":
        app.quit();
        return;
    }
  };
  const tray = new TrayController(onTrayAction);

  let idleShown = 0;
  const refresh = throttle(() => {
    tray.update(trayModel(agent.status(), updates.readyVersion()));
    mainWindow.notifyChanged();
    // An idle span waiting for keep/discard/reassign: the employee is back, so ask now.
    const idle = agent.pendingIdle().length;
    if (idle > idleShown) mainWindow.show();
    idleShown = idle;
  }, REFRESH_MS);
  agent.onChange(refresh);
  refresh();

  const onSystemEvent = (event: SystemEvent) => () => void forward(event);
  powerMonitor.on("suspend", onSystemEvent("suspend"));
  powerMonitor.on("lock-screen", onSystemEvent("lock-screen"));
  powerMonitor.on("resume", onSystemEvent("resume"));
  powerMonitor.on("unlock-screen", onSystemEvent("unlock-screen"));
  // Linux and macOS: the OS is going down; stop the timer first, then quit the normal way.
  powerMonitor.on("shutdown", () => void forward("shutdown").finally(() => app.quit()));

  let phase: "running" | "stopping" | "done" = "running";
  app.on("before-quit", (event) => {
    mainWindow.allowClose();
    if (phase === "done") return;
    event.preventDefault();
    if (phase === "stopping") return;
    phase = "stopping";
    void shutdownAgent(agent, { flushTimeoutMs: FLUSH_TIMEOUT_MS, hardDeadlineMs: HARD_DEADLINE_MS, log: log.warn })
      .then((r) => log.info(r.timedOut ? "quit: agent did not finish in time" : `quit: ${r.pending ?? "unknown"} records left for the next start`))
      .finally(() => {
        phase = "done";
        updates.dispose();
        tray.destroy();
        app.quit();
      });
  });

  await applyAutoLaunch(settings.get().autoLaunch).catch((e: unknown) => log.warn(`auto-launch setting failed: ${message(e)}`));
  if (!launchedAtLogin()) mainWindow.showWhenReady();
}
