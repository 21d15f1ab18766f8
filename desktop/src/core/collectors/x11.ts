/**
 * The X11 backend of ports.ts Collectors, for the headless Linux agent (and Electron on X11):
 *   window → xdotool (active window, or input focus without an EWMH window manager) + xprop
 *   idle   → xprintidle
 *   screen → ImageMagick (import / convert), JPEG on stdout, scratch files in memory only
 * Every program is run with execFile and fails with a CollectorError (tool_missing, no_display,
 * timeout, failed, bad_output, no_memory_spool), never with an uncaught exception.
 * Debian packages: xdotool x11-utils xprintidle imagemagick.
 */
import type { Collectors } from "../ports";
import { MemorySpool } from "./memorySpool";
import { X11Display, type X11Options } from "./x11Display";
import { X11IdleCollector } from "./x11Idle";
import { X11ScreenCollector, type X11ScreenOptions } from "./x11Screen";
import { X11WindowCollector } from "./x11Window";

export { CollectorError, isCollectorError, type CollectorErrorCode } from "./errors";
export { X11Display, type X11Options } from "./x11Display";
export { X11IdleCollector } from "./x11Idle";
export { X11ScreenCollector, FULL_HD_SEALED_TARGET_BYTES, SEAL_OVERHEAD_BYTES, type X11ScreenOptions } from "./x11Screen";
export { X11WindowCollector } from "./x11Window";
export { MemorySpool } from "./memorySpool";

export interface X11CollectorOptions extends X11Options, Omit<X11ScreenOptions, "spool"> {
  /** A memory-backed (tmpfs) directory for ImageMagick's scratch files; defaults to $XDG_RUNTIME_DIR, then /dev/shm. */
  spoolDir?: string;
}

export interface X11Collectors extends Collectors {
  window: X11WindowCollector;
  idle: X11IdleCollector;
  screen: X11ScreenCollector;
}

export function createX11Collectors(opts: X11CollectorOptions = {}): X11Collectors {
  const x = new X11Display(opts);
  return {
    window: new X11WindowCollector(x),
    idle: new X11IdleCollector(x),
    screen: new X11ScreenCollector(x, { ...opts, spool: new MemorySpool({ dir: opts.spoolDir, env: opts.env }) }),
  };
}
