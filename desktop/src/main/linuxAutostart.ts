/**
 * Auto-launch on Linux, where Electron's app.setLoginItemSettings does nothing: an XDG autostart
 * entry (~/.config/autostart/<id>.desktop, freedesktop "Desktop Application Autostart"), which
 * GNOME, KDE, Xfce and most other desktops honour. Electron-free, tested in Node.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export const AUTOSTART_ID = "dev.worktrail.agent";

export function autostartDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(base, "autostart");
}

/**
 * Desktop Entry Exec quoting: every argument double-quoted with ", `, $ and \ backslash-escaped;
 * the file's string escaping then doubles each backslash again, and a literal % is written %%.
 */
function quoteExecArg(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error("An autostart command cannot contain line breaks.");
  // Each \ becomes \\ for the quoting rules; the string-value escaping of .desktop files then doubles it again.
  const quoted = arg.replace(/(["`$\\])/g, "\\$1");
  return `"${quoted.replace(/\\/g, "\\\\").replace(/%/g, "%%")}"`;
}

export function desktopEntry(execPath: string, args: string[]): string {
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Name=Worktrail",
    "Comment=Worktrail time tracker (starts stopped; it never starts a timer by itself)",
    `Exec=${[execPath, ...args].map(quoteExecArg).join(" ")}`,
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}

/**
 * The executable to start: inside an AppImage, process.execPath points into a temporary mount that
 * changes on every run, so the AppImage file itself ($APPIMAGE) is what must be launched.
 */
export function launchPath(env: NodeJS.ProcessEnv = process.env, execPath = process.execPath): string {
  return env.APPIMAGE && env.APPIMAGE.startsWith("/") ? env.APPIMAGE : execPath;
}

export async function setLinuxAutostart(enabled: boolean, opts: { dir?: string; execPath?: string; args: string[] }): Promise<void> {
  const dir = opts.dir ?? autostartDir();
  const file = join(dir, `${AUTOSTART_ID}.desktop`);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, desktopEntry(opts.execPath ?? launchPath(), opts.args), { mode: 0o644 });
}
