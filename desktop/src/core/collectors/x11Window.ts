/**
 * The focused window on X11, from xdotool (window id and title) and xprop (WM_CLASS and
 * _NET_WM_PID). The tracker samples this about once a second, so it is kept to one process per
 * sample in the common case: one chained xdotool call answers the window id and the title, and the
 * class and pid (which never change for a window) are cached per window id.
 */
import type { ActiveWindowCollector, WindowInfo } from "../ports";
import { urlFromTitle } from "./browserUrl";
import { CollectorError } from "./errors";
import type { X11Display } from "./x11Display";

interface ClassAndPid {
  app: string;
  pid: number | null;
  at: number;
}

/** A window id's class and pid are re-read after this long: X may reuse an id after its window is gone. */
const CLASS_CACHE_MS = 30_000;
const CLASS_CACHE_MAX = 64;
/** After the window manager said it has no _NET_ACTIVE_WINDOW, ask it again only this often (one may start later). */
const EWMH_RETRY_MS = 60_000;

export class X11WindowCollector implements ActiveWindowCollector {
  private readonly classes = new Map<number, ClassAndPid>();
  private noEwmhSince: number | null = null;

  constructor(private readonly x: X11Display, private readonly now: () => number = Date.now) {}

  async activeWindow(): Promise<WindowInfo | null> {
    const found = await this.focusedWindow();
    if (!found) return null;
    const meta = await this.classAndPid(found.id);
    if (!meta) return null;
    return { app: meta.app, title: found.title, url: urlFromTitle(meta.app, found.title), pid: meta.pid };
  }

  /**
   * The EWMH active window (what window managers and panels show as focused); without an EWMH window
   * manager, the X input focus. null when neither names a client window (empty desktop, PointerRoot
   * focus, a window that closed between the calls).
   */
  private async focusedWindow(): Promise<{ id: number; title: string | null } | null> {
    const t = this.now();
    if (this.noEwmhSince === null || t - this.noEwmhSince >= EWMH_RETRY_MS) {
      try {
        const found = await this.query("getactivewindow");
        this.noEwmhSince = null;
        if (found) return found;
      } catch (e) {
        if (!(e instanceof CollectorError) || e.code !== "failed") throw e;
        if (/not support _NET_ACTIVE_WINDOW/i.test(e.stderr)) this.noEwmhSince = t;
      }
    }
    try {
      return await this.query("getwindowfocus");
    } catch (e) {
      // "focused window of 1" (PointerRoot), BadWindow (closed meanwhile): nothing has focus right now.
      if (e instanceof CollectorError && e.code === "failed") return null;
      throw e;
    }
  }

  /** `xdotool <how> getwindowgeometry --shell getwindowname`: the id (WINDOW=…) and then the title, in one process. */
  private async query(how: "getactivewindow" | "getwindowfocus") {
    const out = await this.x.run("xdotool", [how, "getwindowgeometry", "--shell", "getwindowname"]);
    return parseGeometryAndName(out.toString("utf8"));
  }

  private async classAndPid(id: number): Promise<ClassAndPid | null> {
    const t = this.now();
    const cached = this.classes.get(id);
    if (cached && t - cached.at < CLASS_CACHE_MS) return cached;
    let out: Buffer;
    try {
      out = await this.x.run("xprop", ["-id", String(id), "WM_CLASS", "_NET_WM_PID"]);
    } catch (e) {
      if (e instanceof CollectorError && e.code === "failed") return null; // the window closed meanwhile
      throw e;
    }
    const parsed = parseXprop(out.toString("utf8"));
    if (!parsed.app) return null; // not an application window (root, a bare override-redirect window)
    const entry = { app: parsed.app, pid: parsed.pid, at: t };
    if (this.classes.size >= CLASS_CACHE_MAX) this.classes.delete(this.classes.keys().next().value!);
    this.classes.set(id, entry);
    return entry;
  }
}

/**
 * Parses `getwindowgeometry --shell` (WINDOW=, X=, Y=, WIDTH=, HEIGHT=, SCREEN= lines) followed by
 * `getwindowname` (the title and a newline; a title may itself contain newlines or "X=1").
 */
export function parseGeometryAndName(out: string): { id: number; title: string | null } | null {
  const lines = out.split("\n");
  const win = /^WINDOW=(\d+)$/.exec(lines[0] ?? "");
  const screenLine = lines.findIndex((l) => /^SCREEN=\d+$/.test(l));
  if (!win || screenLine < 0) throw new CollectorError("bad_output", "xdotool", `unexpected xdotool output: ${JSON.stringify(out.slice(0, 120))}`);
  const id = Number(win[1]);
  if (id === 0) return null;
  const title = lines.slice(screenLine + 1).join("\n").replace(/\n$/, "");
  return { id, title: title === "" ? null : title };
}

/**
 * Parses `xprop -id W WM_CLASS _NET_WM_PID`:
 *   WM_CLASS(STRING) = "xterm", "XTerm"      → app "XTerm" (the class; the instance when there is no class)
 *   _NET_WM_PID(CARDINAL) = 1234             → pid 1234
 * and "WM_CLASS:  not found." / "_NET_WM_PID:  not found." → null.
 */
export function parseXprop(out: string): { app: string | null; pid: number | null } {
  const classLine = /^WM_CLASS\([^)]*\) = (.*)$/m.exec(out);
  const names = classLine ? [...classLine[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, "$1")).filter((s) => s !== "") : [];
  const pidLine = /^_NET_WM_PID\([^)]*\) = (\d+)$/m.exec(out);
  const pid = pidLine ? Number(pidLine[1]) : null;
  return { app: names.at(-1) ?? null, pid: pid !== null && pid > 0 ? pid : null };
}
