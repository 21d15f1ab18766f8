/**
 * The one error type the OS collectors throw. The tracker catches it per sample and carries on (a
 * missing tool or a lost X display must never crash the agent); `code` says what the employee or
 * the admin can do about it, `tool` which program was involved.
 */
export type CollectorErrorCode =
  /** The program is not installed (ENOENT); `hint` names the Debian package. */
  | "tool_missing"
  /** No DISPLAY configured, or the X server refused the connection. */
  | "no_display"
  /** The program ran longer than allowed and was killed. */
  | "timeout"
  /** The program exited non-zero for another reason (stderr's first line is in the message). */
  | "failed"
  /** The program answered something we cannot parse. */
  | "bad_output"
  /** No memory-backed directory for ImageMagick's spool files, so no screenshot is taken (see memorySpool.ts). */
  | "no_memory_spool";

const PACKAGE_OF: Record<string, string> = {
  xdotool: "xdotool",
  xprop: "x11-utils",
  xdpyinfo: "x11-utils",
  xprintidle: "xprintidle",
  import: "imagemagick",
  convert: "imagemagick",
};

export class CollectorError extends Error {
  override readonly name = "CollectorError";
  constructor(
    readonly code: CollectorErrorCode,
    readonly tool: string,
    message: string,
    /** The program's stderr (trimmed), for "failed": callers tell "no focused window" from real failures by it. */
    readonly stderr = "",
  ) {
    super(message);
  }

  /** The Debian package that provides `tool`, when we know it. */
  get hint(): string | null {
    return PACKAGE_OF[this.tool] ?? null;
  }
}

export const isCollectorError = (e: unknown, code?: CollectorErrorCode): e is CollectorError =>
  e instanceof CollectorError && (code === undefined || e.code === code);
