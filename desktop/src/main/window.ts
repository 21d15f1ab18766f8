/**
 * The small window. Its renderer gets no Node and no Electron: sandboxed, context-isolated, only the
 * preload bridge (desktop/src/preload/preload.ts), and only our app:// page (security.ts blocks
 * navigation and new windows). Closing it hides it: the agent lives in the tray until Quit.
 */
import { app, BrowserWindow } from "electron";
import { CHANGED_EVENT } from "./ipcChannels";
import { INDEX_URL } from "./appProtocol";

export class MainWindow {
  readonly win: BrowserWindow;
  private quitting = false;

  constructor(opts: { preload: string; onSessionEnd: () => void }) {
    this.win = new BrowserWindow({
      width: 440,
      height: 680,
      minWidth: 380,
      minHeight: 520,
      show: false,
      title: "Worktrail",
      autoHideMenuBar: true,
      webPreferences: {
        preload: opts.preload,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    this.win.removeMenu();
    this.win.on("close", (event) => {
      if (this.quitting) return;
      event.preventDefault();
      this.win.hide();
    });
    // Windows only: log-off, restart or shutdown (powerMonitor's "shutdown" covers Linux and macOS).
    this.win.on("session-end", () => opts.onSessionEnd());
    // A crashed page would leave a blank window for the rest of the day: reload it, at most once a
    // minute so a page that crashes at load cannot spin.
    let lastReload = 0;
    this.win.webContents.on("render-process-gone", (_event, details) => {
      if (details.reason === "clean-exit" || Date.now() - lastReload < 60_000) return;
      lastReload = Date.now();
      void this.win.loadURL(INDEX_URL);
    });
    void this.win.loadURL(INDEX_URL);
  }

  /** Shows the window once its page has rendered (no blank flash on start). */
  showWhenReady(): void {
    if (this.win.webContents.isLoading()) this.win.once("ready-to-show", () => this.show());
    else this.show();
  }

  show(): void {
    if (this.win.isMinimized()) this.win.restore();
    this.win.show();
    this.win.focus();
    this.win.webContents.send(CHANGED_EVENT);
  }

  /** From now on closing really closes (quit, or the updater closing windows before it installs). */
  allowClose(): void {
    this.quitting = true;
  }

  /** Tells the page to fetch a new snapshot; nothing is sent while it is hidden (it refreshes on show). */
  notifyChanged(): void {
    if (this.win.isDestroyed() || !this.win.isVisible()) return;
    this.win.webContents.send(CHANGED_EVENT);
  }
}
