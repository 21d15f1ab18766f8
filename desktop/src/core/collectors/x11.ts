/**
 * The X11 backend of ports.ts Collectors, for the headless Linux agent (and Electron on X11):
 *   window → by default two long-lived `xprop -spy` children that print focus and title changes
 *            (x11WindowSpy.ts), so the once-a-second sample runs nothing; polling underneath it (and
 *            with `windowTracking: "polling"`): xdotool (active window, or input focus without an
 *            EWMH window manager) + xprop, each sample
 *   idle   → xprintidle
 *   screen → ImageMagick (import / convert), JPEG on stdout, scratch files in memory only
 * Every program is run with execFile/spawn (never a shell) and fails with a CollectorError
 * (tool_missing, no_display, timeout, failed, bad_output, no_memory_spool), never with an uncaught
 * exception. close() ends the spy's children.
 * Debian packages: xdotool x11-utils xprintidle imagemagick.
 */
import type { Collectors } from "../ports";
import { MemorySpool } from "./memorySpool";
import { X11Display, type X11Options } from "./x11Display";
import { X11IdleCollector } from "./x11Idle";
import { X11ScreenCollector, type X11ScreenOptions } from "./x11Screen";
import { X11WindowCollector } from "./x11Window";
import { X11WindowSpy, type X11WindowSpyOptions } from "./x11WindowSpy";

export { CollectorError, isCollectorError, type CollectorErrorCode } from "./errors";
export { X11Display, type X11Options } from "./x11Display";
export { X11IdleCollector } from "./x11Idle";
export { X11ScreenCollector, FULL_HD_SEALED_TARGET_BYTES, SEAL_OVERHEAD_BYTES, type X11ScreenOptions } from "./x11Screen";
export { X11WindowCollector } from "./x11Window";
export { X11WindowSpy, type X11WindowSpyOptions, type SpyMode, type SpawnFn } from "./x11WindowSpy";
export { MemorySpool } from "./memorySpool";

export interface X11CollectorOptions extends X11Options, Omit<X11ScreenOptions, "spool"> {
  /** A memory-backed (tmpfs) directory for ImageMagick's scratch files; defaults to $XDG_RUNTIME_DIR, then /dev/shm. */
  spoolDir?: string;
  /** "spy" (default): xprop -spy children report focus and title changes; "polling": xdotool + xprop every sample. */
  windowTracking?: "spy" | "polling";
  /** Tuning and test seams of the spy (spawn, back-off); env and the display come from the options above. */
  spy?: Omit<X11WindowSpyOptions, "env">;
}

export interface X11Collectors extends Collectors {
  window: X11WindowSpy | X11WindowCollector;
  idle: X11IdleCollector;
  screen: X11ScreenCollector;
  close(): Promise<void>;
}

export function createX11Collectors(opts: X11CollectorOptions = {}): X11Collectors {
  const x = new X11Display(opts);
  // The spy starts its children on the first activeWindow(), so screen-only users never get any.
  const window = opts.windowTracking === "polling" ? new X11WindowCollector(x) : new X11WindowSpy(x, { ...opts.spy, env: opts.env });
  return {
    window,
    idle: new X11IdleCollector(x),
    screen: new X11ScreenCollector(x, { ...opts, spool: new MemorySpool({ dir: opts.spoolDir, env: opts.env }) }),
    close: async () => {
      if (window instanceof X11WindowSpy) await window.close();
    },
  };
}
