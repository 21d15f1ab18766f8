/**
 * Test harness: a private Xvfb (and optionally openbox, xterms) for the X11 collector tests.
 * Xvfb picks a free display number itself (-displayfd), so parallel test files and other people's
 * servers on the same machine never collide. Everything started here is killed by its pid in stop().
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const hasTool = (tool: string): boolean =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, tool)));

/** Why the X tests cannot run here, or null. Only a missing Xvfb skips them (CI installs the rest with it). */
export const xSkipReason = (): string | null =>
  hasTool("Xvfb") ? null : "Xvfb is not installed (apt install xvfb xdotool xprintidle x11-utils imagemagick xterm openbox): X11 collector tests skipped";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Xvfb {
  private readonly children: ChildProcess[] = [];
  private constructor(readonly display: string, private readonly server: ChildProcess) {}

  static async start(screens: string[] = ["1920x1080x24"]): Promise<Xvfb> {
    const args = ["-displayfd", "3", "-nolisten", "tcp", "-noreset"];
    screens.forEach((s, i) => args.push("-screen", String(i), s));
    const server = spawn("Xvfb", args, { stdio: ["ignore", "ignore", "pipe", "pipe"] });
    let stderr = "";
    server.stderr!.on("data", (d) => { stderr += String(d); });
    const number = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`Xvfb did not report a display within 10 s: ${stderr}`)), 10_000);
      (server.stdio[3] as NodeJS.ReadableStream).on("data", (d) => {
        out += String(d);
        if (out.includes("\n")) { clearTimeout(timer); resolve(out.trim()); }
      });
      server.once("exit", (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${stderr}`)); });
    });
    const x = new Xvfb(`:${number}`, server);
    await x.waitUntil(async () => { await run("xdpyinfo", [], { env: x.env() }); return true; }, 10_000, "xdpyinfo never answered");
    return x;
  }

  env(): NodeJS.ProcessEnv {
    return { ...process.env, DISPLAY: this.display };
  }

  /** Starts an X client on this display; it is killed in stop(). */
  spawn(cmd: string, args: string[]): ChildProcess {
    const child = spawn(cmd, args, { env: this.env(), stdio: "ignore" });
    child.on("error", () => {});
    this.children.push(child);
    return child;
  }

  async xdotool(...args: string[]): Promise<string> {
    return (await run("xdotool", args, { env: this.env() })).stdout.trim();
  }

  /** Waits for a window whose title matches exactly, and returns its id. */
  async windowNamed(title: string, timeoutMs = 10_000): Promise<string> {
    let id = "";
    await this.waitUntil(async () => {
      id = (await this.xdotool("search", "--name", `^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)).split("\n")[0] ?? "";
      return id !== "";
    }, timeoutMs, `no window titled ${title}`);
    return id;
  }

  async startOpenbox(): Promise<void> {
    this.spawn("openbox", ["--sm-disable"]);
    // openbox announces itself through _NET_SUPPORTING_WM_CHECK on the root window.
    await this.waitUntil(async () => (await run("xprop", ["-root", "_NET_SUPPORTING_WM_CHECK"], { env: this.env() })).stdout.includes("window id"), 10_000, "openbox did not start");
  }

  async waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    while (Date.now() < deadline) {
      try {
        if (await check()) return;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`${what} (${last instanceof Error ? last.message : "timeout"})`);
  }

  async stop(): Promise<void> {
    for (const c of [...this.children].reverse()) if (c.exitCode === null && c.pid) c.kill("SIGKILL");
    if (this.server.exitCode === null) {
      const exited = new Promise((r) => this.server.once("exit", r));
      this.server.kill("SIGTERM");
      await Promise.race([exited, sleep(3_000)]);
      if (this.server.exitCode === null) this.server.kill("SIGKILL");
    }
  }
}

/** Tiles four xterms full of source code over a 1920×1080 screen: a "busy" desktop for size measurements. */
export async function fillWithText(x: Xvfb, files: string[]): Promise<void> {
  const places = ["+0+0", "+960+0", "+0+540", "+960+540"];
  places.forEach((at, i) => {
    // 158×39 cells of 6×13 px ≈ 950×510 px per window: four of them cover the screen without overlap.
    x.spawn("xterm", ["-T", `busy-${i}`, "-geometry", `158x39${at}`, "-bg", i % 2 ? "#fdf6e3" : "white", "-fg", "black", "-hold", "-e", "cat", files[i % files.length]!]);
  });
  for (let i = 0; i < places.length; i++) await x.windowNamed(`busy-${i}`);
  await sleep(700); // let them draw
}
