// A real X server for the headless agent: Xvfb on a display nobody uses, openbox so the agent can
// read _NET_ACTIVE_WINDOW like on a desktop, xterm windows with known titles, focus changes and
// mouse input through xdotool (input only resets the idle clock; no keys are ever typed).
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns a long-lived helper in its own process group, so close() can end it and its children. */
function daemon(cmd, args, env, extraStdio = []) {
  const child = spawn(cmd, args, { env, detached: true, stdio: ["ignore", "ignore", "pipe", ...extraStdio] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  child.on("error", () => { /* reported by the waits below (exitCode / timeouts) */ });
  return { child, stderr: () => stderr };
}

function killGroup(child, signal = "SIGKILL") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/** Polls fn until it returns a truthy value; the error names what was awaited. */
async function until(fn, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
}

/**
 * Starts Xvfb (1920×1080, depth 24) and openbox. Xvfb chooses a free display itself (-displayfd),
 * so parallel runs and a developer's own X servers never collide.
 */
export async function startX() {
  const xvfb = daemon("Xvfb", ["-displayfd", "3", "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-noreset"], process.env, ["pipe"]);
  const number = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Xvfb did not report a display: ${xvfb.stderr()}`)), 10_000);
    xvfb.child.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) { clearTimeout(timer); resolve(out.trim()); }
    });
    xvfb.child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${xvfb.stderr()}`)); });
  });
  const display = `:${number}`;
  const env = { ...process.env, DISPLAY: display };
  const x = (cmd, args) => exec(cmd, args, { env, timeout: 10_000 }).then((r) => r.stdout.trim());

  const children = [xvfb.child];
  const wm = daemon("openbox", ["--sm-disable"], env);
  children.push(wm.child);
  // openbox announces itself on the root window once it manages windows (EWMH).
  await until(async () => /window id/.test(await x("xprop", ["-root", "_NET_SUPPORTING_WM_CHECK"])), `openbox on ${display} (${wm.stderr()})`);

  let inputTimer = null;
  let jitter = 1;

  const api = {
    display,
    env,

    /**
     * An xterm titled `title`; resolves with its window id once it is mapped. Its WM_CLASS class
     * (the agent's "app") is XTerm unless `appClass` names another, e.g. to test an app exclusion.
     */
    async openWindow(title, { appClass } = {}) {
      const term = daemon("xterm", [...(appClass ? ["-class", appClass] : []), "-T", title, "-geometry", "100x30", "-e", "sleep", "600"], env);
      children.push(term.child);
      const wid = await until(async () => {
        // Windows of that xterm process, not any window with a similar title.
        const { stdout } = await exec("xdotool", ["search", "--onlyvisible", "--pid", String(term.child.pid)], { env }).catch(() => ({ stdout: "" }));
        return stdout.trim().split("\n").filter(Boolean)[0];
      }, `the xterm window "${title}" (${term.stderr()})`);
      return wid;
    },

    /** Gives the window focus and waits until the window manager reports it active. */
    async focus(wid) {
      await x("xdotool", ["windowactivate", "--sync", wid]);
      await until(async () => (await api.activeWindow()) === wid, `window ${wid} to become active`, 5000);
    },

    async activeWindow() {
      return x("xdotool", ["getactivewindow"]).catch(() => null);
    },

    async setTitle(wid, title) {
      await x("xdotool", ["set_window", "--name", title, wid]);
    },

    /** WM_CLASS of a window as the agent's collector would read it (the class part). */
    async windowClass(wid) {
      const out = await x("xprop", ["-id", wid, "WM_CLASS"]);
      const parts = [...out.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      return parts[1] ?? parts[0] ?? null;
    },

    /** One small mouse move: the X server's idle counter (xprintidle) starts again from zero. */
    async input() {
      jitter = -jitter;
      await x("xdotool", ["mousemove_relative", "--", String(jitter * 3), String(jitter * 2)]);
    },

    async idleMs() {
      return Number(await x("xprintidle", []));
    },

    /** Keeps moving the mouse every `everyMs` until stopInput(), so every tracked second is active. */
    startInput(everyMs = 400) {
      api.stopInput();
      inputTimer = setInterval(() => api.input().catch(() => { /* display going away at the end */ }), everyMs);
    },

    stopInput() {
      if (inputTimer) clearInterval(inputTimer);
      inputTimer = null;
    },

    /** Ends every process this display started: the xterms, openbox, Xvfb. */
    async close() {
      api.stopInput();
      for (const c of children.reverse()) killGroup(c, "SIGTERM");
      await sleep(200);
      for (const c of children) killGroup(c, "SIGKILL");
    },
  };
  process.once("exit", () => { for (const c of children) killGroup(c); });
  return api;
}
