/**
 * The focused window on X11, pushed by the X server instead of polled. The polling collector
 * (x11Window.ts) forks xdotool every second, and that fork/exec alone costs about 1% of a core.
 * Here two long-lived `xprop -spy` children print a line only when something changes:
 *   - `xprop -spy -root _NET_ACTIVE_WINDOW`: the window manager's focused window (EWMH);
 *   - `xprop -spy -id W WM_CLASS _NET_WM_PID _NET_WM_NAME WM_NAME` for that window: its class and
 *     pid (printed once at start, so one spawn per focus change covers them) and every title change.
 * activeWindow() answers from the latest lines without running anything.
 *
 * It never answers worse than the polling collector, which stays underneath:
 *   - no EWMH window manager (no _NET_ACTIVE_WINDOW in the root's _NET_SUPPORTED), or the probe
 *     itself fails (no display, xprop missing): answers come from polling, with the polling
 *     collector's own errors; the probe is repeated later (a window manager or display may appear);
 *   - a spy child that dies is restarted with exponential back-off; until then, polling answers;
 *   - a title spy that has not printed its first lines within a moment: polling answers that once.
 * Children are spawned without a shell, their pipes do not keep Node alive, and close() (or the
 * process exiting) kills them.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import type { Socket } from "node:net";
import type { ActiveWindowCollector, WindowInfo } from "../ports";
import { urlFromTitle } from "./browserUrl";
import type { X11Display } from "./x11Display";
import { parseXprop, X11WindowCollector } from "./x11Window";

/** How long-lived children are started; injectable so tests can count (and kill) them. */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface X11WindowSpyOptions {
  /** The environment handed to xprop (PATH, XAUTHORITY…); DISPLAY is set from the X11Display. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFn;
  now?: () => number;
  /** Answers while the spy cannot (no EWMH, a child restarting); defaults to the polling X11WindowCollector. */
  polling?: ActiveWindowCollector;
  /** How long a new spy child may take to print its first lines. */
  readyTimeoutMs?: number;
  /** First and largest delay before a dead child (or a failed probe) is tried again. */
  backoffMs?: { first: number; max: number };
  /** After the window manager turned out not to be EWMH, ask it again only this often (one may start later). */
  ewmhRetryMs?: number;
}

export type SpyMode = "polling" | "spy" | "closed";

const WINDOW_PROPS = ["WM_CLASS", "_NET_WM_PID", "_NET_WM_NAME", "WM_NAME"] as const;
type WindowProp = (typeof WINDOW_PROPS)[number];
/** Titles as raw bytes (format 8c: "82, 101, …"), so a UTF-8 _NET_WM_NAME decodes exactly as xdotool's output did. */
const WINDOW_SPY_ARGS = (id: number) => ["-spy", "-id", String(id), "-f", "_NET_WM_NAME", "8c", "-f", "WM_NAME", "8c", ...WINDOW_PROPS];
const ROOT_SPY_ARGS = ["-spy", "-root", "_NET_ACTIVE_WINDOW"];

/** A child that lived this long was healthy: its death starts the back-off from the beginning. */
const HEALTHY_AFTER_MS = 30_000;
/** Longest line kept while waiting for its newline (a 64 KiB title is ~320 KB as "8c" numbers). */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export class X11WindowSpy implements ActiveWindowCollector {
  private readonly spawnFn: SpawnFn;
  private readonly now: () => number;
  private readonly polling: ActiveWindowCollector;
  private readonly readyTimeoutMs: number;
  private readonly backoff: { first: number; max: number };
  private readonly ewmhRetryMs: number;
  private readonly env: NodeJS.ProcessEnv;

  private state: SpyMode = "polling";
  /** When polling, the next moment the spy may be (re)started. */
  private nextProbeAt = 0;
  private failures = 0;
  private starting: Promise<void> | null = null;

  private root: XpropSpy | null = null;
  /** undefined until the root spy's first line; then the active window id, or null for none. */
  private active: number | null | undefined = undefined;
  private rootReady: Deferred | null = null;
  private win: WindowWatch | null = null;

  constructor(private readonly x: X11Display, opts: X11WindowSpyOptions = {}) {
    this.spawnFn = opts.spawn ?? ((cmd, args, o) => spawn(cmd, [...args], o));
    this.now = opts.now ?? Date.now;
    this.polling = opts.polling ?? new X11WindowCollector(x, this.now);
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 2_000;
    this.backoff = opts.backoffMs ?? { first: 250, max: 60_000 };
    this.ewmhRetryMs = opts.ewmhRetryMs ?? 60_000;
    this.env = opts.env ?? process.env;
  }

  /** "spy" while the children answer, "polling" while the polling collector does. */
  get mode(): SpyMode {
    return this.state;
  }

  async activeWindow(): Promise<WindowInfo | null> {
    if (this.state === "polling" && this.now() >= this.nextProbeAt) {
      this.starting ??= this.start().finally(() => { this.starting = null; });
      await this.starting;
    }
    if (this.state !== "spy" || this.active === undefined) return this.polling.activeWindow();
    if (this.active === null) return null;
    const w = await this.watchFor(this.active);
    if (!w) return this.polling.activeWindow();
    if (w.gone) return null;
    return w.info;
  }

  async close(): Promise<void> {
    this.state = "closed";
    const stopping = [this.root?.stop(), this.win?.spy.stop()];
    this.root = null;
    this.win = null;
    await Promise.all(stopping);
  }

  /* ------------------------------------------------------------------------------ the root spy */

  /** Probes for EWMH and starts the root spy; on any failure stays in polling mode until nextProbeAt. */
  private async start(): Promise<void> {
    let supported: string;
    try {
      supported = (await this.x.run("xprop", ["-root", "_NET_SUPPORTED"])).toString("utf8");
    } catch {
      // No display, no xprop…: the polling collector reports it in its own words, and we ask again later.
      this.nextProbeAt = this.now() + this.backoffDelay(this.failures++);
      return;
    }
    if (this.state === "closed") return;
    if (!supportsActiveWindow(supported)) {
      this.nextProbeAt = this.now() + this.ewmhRetryMs;
      return;
    }
    const ready = new Deferred();
    this.rootReady = ready;
    this.active = undefined;
    const root = new XpropSpy(this.spawnFn, ROOT_SPY_ARGS, this.childEnv(), this.now, (line) => this.onRootLine(root, line), () => this.onRootExit(root));
    this.root = root;
    this.state = "spy";
    if (!(await ready.wait(this.readyTimeoutMs)) && this.root === root) {
      // Silent for too long: treat it as dead, so polling answers and the back-off applies.
      await root.stop();
      this.onRootExit(root);
    }
  }

  private onRootLine(root: XpropSpy, line: string) {
    if (this.root !== root) return;
    const id = parseActiveWindowLine(line);
    if (id === undefined) return;
    this.active = id;
    this.rootReady?.resolve();
    if (this.win && this.win.id !== id) {
      void this.win.spy.stop();
      this.win = null;
    }
    // Start the title spy at once, so it has printed by the time the tracker asks.
    if (id !== null && !this.win) this.win = this.startWatch(id, 0);
  }

  private onRootExit(root: XpropSpy) {
    if (this.root !== root || this.state === "closed") return;
    this.root = null;
    this.active = undefined;
    void this.win?.spy.stop();
    this.win = null;
    if (this.now() - root.startedAt >= HEALTHY_AFTER_MS) this.failures = 0;
    this.state = "polling";
    this.nextProbeAt = this.now() + this.backoffDelay(this.failures++);
  }

  /* ---------------------------------------------------------------------- the focused window */

  /** The watch of window `id` once it has printed its properties, or null when polling must answer this time. */
  private async watchFor(id: number): Promise<WindowWatch | null> {
    let w = this.win;
    if (w?.id === id && w.dead && this.now() >= w.restartAt) w = this.win = this.startWatch(id, w.failures);
    if (!w || w.id !== id || w.dead) return null;
    if (!w.ready.done && !(await w.ready.wait(this.readyTimeoutMs))) return null;
    // The focus may have moved, or the child died, while we waited.
    return this.win === w && !w.dead ? w : null;
  }

  private startWatch(id: number, failures: number): WindowWatch {
    const w: WindowWatch = {
      id, failures, props: new Map(), info: null, gone: false, dead: false, restartAt: 0, ready: new Deferred(),
      spy: null as unknown as XpropSpy,
    };
    w.spy = new XpropSpy(this.spawnFn, WINDOW_SPY_ARGS(id), this.childEnv(), this.now, (line) => this.onWindowLine(w, line), (exit) => this.onWindowExit(w, exit));
    return w;
  }

  private onWindowLine(w: WindowWatch, line: string) {
    const prop = WINDOW_PROPS.find((p) => line.startsWith(`${p}(`) || line.startsWith(`${p}:`));
    if (!prop) return;
    w.props.set(prop, line);
    // xprop prints every requested property once at start, then only what changes.
    if (w.props.size === WINDOW_PROPS.length) {
      w.info = windowInfoFrom(w.props);
      w.ready.resolve();
    }
  }

  private onWindowExit(w: WindowWatch, exit: SpyExit) {
    if (this.win !== w || this.state === "closed") return;
    if (exit.code === 0 || /BadWindow/.test(exit.stderr)) {
      // xprop -spy exits 0 when its window is destroyed (BadWindow if it was gone before it started):
      // nothing is focused until the window manager names the next window.
      w.gone = true;
    } else {
      // Killed or failed otherwise: try again after a back-off, polling meanwhile.
      w.dead = true;
      if (this.now() - w.spy.startedAt >= HEALTHY_AFTER_MS) w.failures = 0;
      w.restartAt = this.now() + this.backoffDelay(w.failures++);
    }
    w.ready.resolve();
  }

  /* -------------------------------------------------------------------------------- helpers */

  private childEnv(): NodeJS.ProcessEnv {
    return { ...this.env, DISPLAY: this.x.display ?? "" };
  }

  private backoffDelay(failures: number): number {
    return Math.min(this.backoff.max, this.backoff.first * 2 ** Math.min(failures, 30));
  }
}

interface WindowWatch {
  id: number;
  spy: XpropSpy;
  props: Map<WindowProp, string>;
  info: WindowInfo | null;
  /** The window no longer exists. */
  gone: boolean;
  /** The child died for another reason; restarted at restartAt. */
  dead: boolean;
  restartAt: number;
  failures: number;
  /** Resolved by the first complete set of properties, or by the child's exit. */
  ready: Deferred;
}

/* ---------------------------------------------------------------------------------- parsers */

/** Whether `xprop -root _NET_SUPPORTED` lists _NET_ACTIVE_WINDOW (an EWMH window manager that names the focused window). */
export function supportsActiveWindow(out: string): boolean {
  const line = /^_NET_SUPPORTED\([^)]*\) = (.*)$/m.exec(out);
  return !!line && line[1]!.split(/,\s*/).includes("_NET_ACTIVE_WINDOW");
}

/**
 * One line of `xprop -spy -root _NET_ACTIVE_WINDOW`:
 *   "_NET_ACTIVE_WINDOW(WINDOW): window id # 0x60000c" → 6291468
 *   "… window id # 0x0", "_NET_ACTIVE_WINDOW:  not found." / "no such atom …" → null (nothing focused)
 *   anything else → undefined (not about the active window).
 */
export function parseActiveWindowLine(line: string): number | null | undefined {
  const m = /^_NET_ACTIVE_WINDOW\([^)]*\): window id # (0x[0-9a-f]+)/i.exec(line);
  if (m) return Number(m[1]) || null;
  if (/^_NET_ACTIVE_WINDOW:\s/.test(line)) return null;
  return undefined;
}

/**
 * The bytes of a property printed in format 8c ("_NET_WM_NAME(UTF8_STRING) = 82, 101"); an empty
 * Uint8Array for an empty property, null for "not found." or anything unparsable.
 */
export function parseXpropBytes(line: string): Uint8Array | null {
  const m = /^[A-Za-z0-9_]+\([^)]*\) = (.*)$/.exec(line);
  if (!m) return null;
  const list = m[1]!.trim();
  if (list === "") return new Uint8Array(0);
  const bytes = list.split(/,\s*/).map(Number);
  return bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? Uint8Array.from(bytes) : null;
}

/**
 * The window as the polling collector reports it: app and pid through parseXprop; the title is
 * _NET_WM_NAME, or WM_NAME when that is missing or empty (xdotool's getwindowname rule), its bytes
 * decoded as UTF-8; an empty title is null.
 */
export function windowInfoFrom(props: ReadonlyMap<string, string>): WindowInfo | null {
  const { app, pid } = parseXprop(`${props.get("WM_CLASS") ?? ""}\n${props.get("_NET_WM_PID") ?? ""}\n`);
  if (!app) return null; // not an application window
  const net = parseXpropBytes(props.get("_NET_WM_NAME") ?? "");
  const bytes = net && net.length > 0 ? net : parseXpropBytes(props.get("WM_NAME") ?? "");
  const title = bytes && bytes.length > 0 ? Buffer.from(bytes).toString("utf8") : null;
  return { app, title, url: urlFromTitle(app, title), pid };
}

/* --------------------------------------------------------------------- one long-lived xprop */

interface SpyExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Children still running, killed if the process exits without close() (so none outlive the agent). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => { for (const c of live) c.kill("SIGKILL"); });
  }
  live.add(child);
}

class XpropSpy {
  readonly startedAt: number;
  private readonly child: ChildProcess;
  private pending = "";
  private stderr = "";
  private stopped = false;
  private readonly exited: Promise<void>;

  constructor(spawnFn: SpawnFn, args: readonly string[], env: NodeJS.ProcessEnv, now: () => number, onLine: (line: string) => void, onExit: (exit: SpyExit) => void) {
    this.startedAt = now();
    let finished = false;
    let resolveExited!: () => void;
    this.exited = new Promise((r) => { resolveExited = r; });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      live.delete(this.child);
      resolveExited();
      if (!this.stopped) onExit({ code, signal, stderr: this.stderr });
    };
    this.child = spawnFn("xprop", args, { env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    track(this.child);
    // ENOENT and the like arrive here; the exit that may follow is ignored by `finished`.
    this.child.on("error", () => finish(null, null));
    this.child.on("exit", (code, signal) => finish(code, signal));
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      this.pending += chunk;
      const lines = this.pending.split("\n");
      this.pending = lines.pop()!;
      if (this.pending.length > MAX_LINE_CHARS) this.pending = ""; // a runaway line is dropped, not buffered forever
      for (const line of lines) if (!this.stopped) onLine(line);
    });
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (chunk: string) => { if (this.stderr.length < 4096) this.stderr += chunk; });
    // A spy waits for events all day: it must not keep the process alive (close() or exit ends it).
    this.child.unref();
    (this.child.stdout as Socket).unref?.();
    (this.child.stderr as Socket).unref?.();
  }

  /** Kills the child and waits (briefly) until it is gone; its exit is not reported. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    this.child.kill("SIGKILL");
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}

/** A one-shot signal that can be awaited with a time limit. */
class Deferred {
  done = false;
  private resolveFn!: () => void;
  private readonly promise = new Promise<void>((r) => { this.resolveFn = r; });

  resolve() {
    this.done = true;
    this.resolveFn();
  }

  /** true when resolved within `ms`. */
  async wait(ms: number): Promise<boolean> {
    if (this.done) return true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.promise, new Promise((r) => { timer = setTimeout(r, ms); })]);
    clearTimeout(timer);
    return this.done;
  }
}
