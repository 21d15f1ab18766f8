/**
 * Which X display the collectors talk to, and how its programs are run. The display comes from the
 * option or from DISPLAY; a missing one is reported per call (CollectorError "no_display") instead
 * of at construction, so an agent started before the X session still starts and recovers later.
 */
import { CollectorError } from "./errors";
import { runTool } from "./runTool";

export interface X11Options {
  /** e.g. ":0" or ":99.0"; defaults to the DISPLAY environment variable. */
  display?: string;
  /** The environment handed to the programs (PATH, XAUTHORITY…); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time allowed to the quick queries (window, idle); captures get `captureTimeoutMs`. */
  timeoutMs?: number;
}

export interface RunOnDisplay {
  /** X screen number of this display's server (DISPLAY ":N.screen"). */
  screen?: number;
  input?: Uint8Array;
  timeoutMs?: number;
  extraEnv?: NodeJS.ProcessEnv;
  /** false for programs that only process bytes (convert on stdin), which work without a display. */
  needsDisplay?: boolean;
}

const DISPLAY_RE = /^(.*:\d+)(?:\.(\d+))?$/;

export class X11Display {
  readonly display: string | null;
  private readonly baseEnv: NodeJS.ProcessEnv;
  readonly timeoutMs: number;

  constructor(opts: X11Options = {}) {
    this.baseEnv = opts.env ?? process.env;
    const d = (opts.display ?? this.baseEnv.DISPLAY ?? "").trim();
    this.display = d === "" ? null : d;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  /** The DISPLAY value for X screen `screen` of this server (":0" → ":0.1"), or the configured one. */
  screenDisplay(screen?: number): string | null {
    if (this.display === null || screen === undefined) return this.display;
    const m = DISPLAY_RE.exec(this.display);
    return m ? `${m[1]}.${screen}` : this.display;
  }

  /** Runs `tool` against this display (or one of its screens); `extraEnv` adds variables such as ImageMagick's spool directory. */
  run(tool: string, args: readonly string[], opts: RunOnDisplay = {}): Promise<Buffer> {
    const display = this.screenDisplay(opts.screen);
    if (display === null && opts.needsDisplay !== false) return Promise.reject(new CollectorError("no_display", tool, "no X display: DISPLAY is not set and no display was configured"));
    return runTool(tool, args, {
      env: { ...this.baseEnv, ...opts.extraEnv, ...(display === null ? {} : { DISPLAY: display }) },
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
    });
  }
}
