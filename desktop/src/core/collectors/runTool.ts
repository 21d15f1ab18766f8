/**
 * Runs one X11/ImageMagick program with execFile (an argument vector, never a shell string) and
 * returns its stdout as bytes. Images travel through stdin/stdout only, so the agent itself never
 * writes a plain image anywhere. Every failure becomes a CollectorError; nothing here can throw
 * asynchronously past the returned promise (a broken stdin pipe is swallowed and reported through
 * the exit status instead).
 */
import { execFile, type ExecFileException } from "node:child_process";
import { CollectorError } from "./errors";

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Bytes written to the program's stdin; stdin is closed at once otherwise, so nothing waits on it. */
  input?: Uint8Array;
  timeoutMs: number;
  /** Largest stdout accepted (a 1920×1080 JPEG is ~0.2 MB; several 4K screens stay far below the default). */
  maxBytes?: number;
}

/** What X clients print when they cannot reach the server (xdotool, xprop, xdpyinfo, xprintidle, ImageMagick). */
const NO_DISPLAY_RE = /can'?t open display|cannot open display|couldn'?t open display|unable to open (?:display|x server)/i;

export function runTool(tool: string, args: readonly string[], opts: RunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof execFile>;
    try {
      child = execFile(
        tool,
        args,
        { env: opts.env, encoding: "buffer", timeout: opts.timeoutMs, killSignal: "SIGKILL", maxBuffer: opts.maxBytes ?? 64 * 1024 * 1024, windowsHide: true },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          reject(toCollectorError(tool, err, stderr.toString("utf8"), opts.timeoutMs));
        },
      );
    } catch (err) {
      // execFile throws synchronously only for invalid arguments (e.g. a NUL byte in an argument).
      return reject(new CollectorError("failed", tool, `${tool} could not be started: ${(err as Error).message}`));
    }
    // EPIPE when the program exits before reading all of stdin: the exit status already tells the story.
    child.stdin?.on("error", () => {});
    child.stdin?.end(opts.input ? Buffer.from(opts.input.buffer, opts.input.byteOffset, opts.input.byteLength) : undefined);
  });
}

function toCollectorError(tool: string, err: ExecFileException, stderr: string, timeoutMs: number): CollectorError {
  const trimmed = stderr.trim();
  if (err.code === "ENOENT") return new CollectorError("tool_missing", tool, `${tool} is not installed or not on PATH`);
  if (err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return new CollectorError("bad_output", tool, `${tool} wrote more output than allowed`, trimmed);
  if (err.killed && err.signal === "SIGKILL") return new CollectorError("timeout", tool, `${tool} did not finish within ${timeoutMs} ms`, trimmed);
  if (NO_DISPLAY_RE.test(trimmed)) return new CollectorError("no_display", tool, `${tool} cannot reach the X display: ${firstLine(trimmed)}`, trimmed);
  const status = typeof err.code === "number" ? `exit status ${err.code}` : err.signal ? `signal ${err.signal}` : String(err.code ?? "error");
  return new CollectorError("failed", tool, `${tool} failed (${status}): ${firstLine(trimmed) || err.message}`, trimmed);
}

const firstLine = (s: string) => s.split("\n", 1)[0] ?? "";
