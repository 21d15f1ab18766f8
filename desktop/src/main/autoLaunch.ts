/**
 * Auto-launch at login, a shell setting: the login item on macOS and Windows
 * (app.setLoginItemSettings), an XDG autostart entry on Linux (linuxAutostart.ts). A launch at
 * login starts hidden in the tray and stopped.
 */
import { app } from "electron";
import { setLinuxAutostart } from "./linuxAutostart";

export const HIDDEN_ARG = "--hidden";

export async function applyAutoLaunch(enabled: boolean): Promise<void> {
  // An unpackaged run is the bare Electron binary plus a path: registering that would start a
  // stray Electron at every login.
  if (!app.isPackaged) return;
  if (process.platform === "linux") {
    await setLinuxAutostart(enabled, { args: [HIDDEN_ARG] });
    return;
  }
  // `args` is honoured on Windows; macOS tells us through wasOpenedAtLogin instead.
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
}

/** True when the OS started us at login: stay in the tray instead of opening the window. */
export function launchedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_ARG)) return true;
  return process.platform === "darwin" && app.getLoginItemSettings().wasOpenedAtLogin;
}
