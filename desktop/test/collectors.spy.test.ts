/**
 * The event-driven window collector (x11WindowSpy.ts): its parsers without X, then against a real
 * Xvfb with openbox and xterms: focus and title changes arrive within 300 ms, class and pid are
 * right, answering runs nothing, killed children come back, close() ends them, and without an
 * EWMH window manager it answers through polling (and switches to the spy once one starts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createX11Collectors } from "../src/core/collectors/x11";
import { X11Display, type RunOnDisplay } from "../src/core/collectors/x11Display";
import { parseActiveWindowLine, parseXpropBytes, supportsActiveWindow, windowInfoFrom, X11WindowSpy, type SpawnFn } from "../src/core/collectors/x11WindowSpy";
import type { WindowInfo } from "../src/core/ports";
import { Xvfb, xSkipReason } from "./collectorsXvfb";

const skip = xSkipReason();
if (skip) console.warn(skip);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (s: string) => [...Buffer.from(s, "utf8")].join(", ");

describe("xprop spy output", () => {
  it("reads the active window id, and no window for 0x0, not found and no such atom", () => {
    expect(parseActiveWindowLine("_NET_ACTIVE_WINDOW(WINDOW): window id # 0x60000c")).toBe(0x60000c);
    expect(parseActiveWindowLine("_NET_ACTIVE_WINDOW(WINDOW): window id # 0x60000c, 0x0")).toBe(0x60000c);
    expect(parseActiveWindowLine("_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0")).toBeNull();
    expect(parseActiveWindowLine("_NET_ACTIVE_WINDOW:  not found.")).toBeNull();
    expect(parseActiveWindowLine("_NET_ACTIVE_WINDOW:  no such atom on any window.")).toBeNull();
    expect(parseActiveWindowLine("WM_NAME(STRING) = 1, 2")).toBeUndefined();
    expect(parseActiveWindowLine("")).toBeUndefined();
  });

  it("reads property bytes printed as 8c, empty and missing properties", () => {
    expect([...parseXpropBytes(`_NET_WM_NAME(UTF8_STRING) = ${bytes("ü ✓")}`)!]).toEqual([...Buffer.from("ü ✓")]);
    expect(parseXpropBytes("WM_NAME(STRING) = ")).toEqual(new Uint8Array(0));
    expect(parseXpropBytes("_NET_WM_NAME:  not found.")).toBeNull();
    expect(parseXpropBytes("WM_NAME(STRING) = 1, 999")).toBeNull();
    expect(parseXpropBytes('WM_NAME(STRING) = "text"')).toBeNull();
  });

  it("builds the window as the polling collector does: class, pid, UTF-8 _NET_WM_NAME before WM_NAME, URL for browsers", () => {
    const props = (name: string, wmName: string) => new Map([
      ["WM_CLASS", 'WM_CLASS(STRING) = "navigator", "Firefox"'],
      ["_NET_WM_PID", "_NET_WM_PID(CARDINAL) = 4242"],
      ["_NET_WM_NAME", name],
      ["WM_NAME", wmName],
    ]);
    const title = "Ünïcode — example.com/docs ✓";
    expect(windowInfoFrom(props(`_NET_WM_NAME(UTF8_STRING) = ${bytes(title)}`, `WM_NAME(STRING) = ${bytes("other")}`)))
      .toEqual({ app: "Firefox", title, url: null, pid: 4242 });
    // An empty _NET_WM_NAME falls back to WM_NAME, like xdotool's getwindowname.
    expect(windowInfoFrom(props("_NET_WM_NAME(UTF8_STRING) = ", `WM_NAME(STRING) = ${bytes("Old name")}`))?.title).toBe("Old name");
    expect(windowInfoFrom(props("_NET_WM_NAME:  not found.", "WM_NAME:  not found."))?.title).toBeNull();
    expect(windowInfoFrom(props(`_NET_WM_NAME(UTF8_STRING) = ${bytes("Docs - https://example.com/a?q=1 - Mozilla Firefox")}`, "WM_NAME:  not found."))?.url)
      .toBe("https://example.com/a");
    expect(windowInfoFrom(new Map([["WM_CLASS", "WM_CLASS:  not found."], ["_NET_WM_PID", "_NET_WM_PID:  not found."]]))).toBeNull();
  });

  it("tells an EWMH window manager with _NET_ACTIVE_WINDOW from one without", () => {
    expect(supportsActiveWindow("_NET_SUPPORTED(ATOM) = _NET_SUPPORTING_WM_CHECK, _NET_ACTIVE_WINDOW, _NET_WORKAREA\n")).toBe(true);
    expect(supportsActiveWindow("_NET_SUPPORTED(ATOM) = _NET_SUPPORTING_WM_CHECK, _NET_ACTIVE_WINDOW_X\n")).toBe(false);
    expect(supportsActiveWindow("_NET_SUPPORTED:  no such atom on any window.\n")).toBe(false);
  });
});

/** Counts every program the collector runs: one-shot calls through the display, long-lived ones through spawn. */
class CountingDisplay extends X11Display {
  runs: string[] = [];
  override run(tool: string, args: readonly string[], opts?: RunOnDisplay): Promise<Buffer> {
    this.runs.push(`${tool} ${args.join(" ")}`);
    return super.run(tool, args, opts);
  }
}

function countingSpawn() {
  const children: { args: readonly string[]; child: ChildProcess }[] = [];
  const fn: SpawnFn = (cmd, args, o) => {
    const child = spawn(cmd, [...args], o);
    children.push({ args, child });
    return child;
  };
  return { fn, children, alive: (what: "-root" | "-id") => children.filter((c) => c.args.includes(what) && c.child.exitCode === null && c.child.signalCode === null) };
}

/** xprop processes whose parent is this test process, straight from /proc. */
function xpropChildren(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "xprop" && ppid === process.pid) pids.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Polls `spy` until `ok` holds; resolves with how long that took (ms) and the last answer. */
async function seen(spy: X11WindowSpy, ok: (w: WindowInfo | null) => boolean, limitMs = 3_000): Promise<{ ms: number; w: WindowInfo | null }> {
  const t0 = performance.now();
  let w: WindowInfo | null = null;
  while (performance.now() - t0 < limitMs) {
    w = await spy.activeWindow();
    if (ok(w)) return { ms: performance.now() - t0, w };
    await sleep(10);
  }
  return { ms: Infinity, w };
}

describe.skipIf(skip !== null)("X11 window spy under Xvfb with openbox", () => {
  let x: Xvfb;
  let display: CountingDisplay;
  let spawned: ReturnType<typeof countingSpawn>;
  let spy: X11WindowSpy;
  let one: ChildProcess;
  let ids: { one: string; two: string };

  beforeAll(async () => {
    x = await Xvfb.start(["1280x720x24"]);
    await x.startOpenbox();
    one = x.spawn("xterm", ["-T", "Spy one", "-e", "sleep", "600"]);
    x.spawn("xterm", ["-class", "WtSpyTest", "-T", "Spy two", "-e", "sleep", "600"]);
    ids = { one: await x.windowNamed("Spy one"), two: await x.windowNamed("Spy two") };
    await x.xdotool("windowactivate", "--sync", ids.one);
    display = new CountingDisplay({ display: x.display });
    spawned = countingSpawn();
    spy = new X11WindowSpy(display, { spawn: spawned.fn, backoffMs: { first: 100, max: 400 } });
  }, 30_000);

  afterAll(async () => {
    await spy?.close();
    await x?.stop();
  });

  it("answers the focused window's class, title and pid from the first call", async () => {
    expect(await spy.activeWindow()).toEqual({ app: "XTerm", title: "Spy one", url: null, pid: one.pid });
    expect(spy.mode).toBe("spy");
    expect(spawned.alive("-root")).toHaveLength(1);
    expect(spawned.alive("-id")).toHaveLength(1);
    // One probe of the window manager, nothing polled.
    expect(display.runs).toEqual(["xprop -root _NET_SUPPORTED"]);
  });

  it("sees a focus change within 300 ms, with the other window's own class", async () => {
    await x.xdotool("windowactivate", "--sync", ids.two);
    const { ms, w } = await seen(spy, (w) => w?.title === "Spy two");
    expect(w).toMatchObject({ app: "WtSpyTest", title: "Spy two" });
    expect(w?.pid).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(300);
    await x.xdotool("windowactivate", "--sync", ids.one);
    expect((await seen(spy, (w) => w?.title === "Spy one")).ms).toBeLessThanOrEqual(300);
    // The title spy of the window that lost focus was ended.
    expect(spawned.alive("-id")).toHaveLength(1);
  });

  it("sees a title change of the focused window within 300 ms, UTF-8 intact", async () => {
    await x.xdotool("set_window", "--name", "Renamed — ünïcode ✓", ids.one);
    const { ms, w } = await seen(spy, (w) => w?.title === "Renamed — ünïcode ✓");
    expect(ms).toBeLessThanOrEqual(300);
    expect(w).toEqual({ app: "XTerm", title: "Renamed — ünïcode ✓", url: null, pid: one.pid });
    await x.xdotool("set_window", "--name", "Spy one", ids.one);
    expect((await seen(spy, (w) => w?.title === "Spy one")).ms).toBeLessThanOrEqual(300);
  });

  it("runs nothing when asked: 20 answers, no new process", async () => {
    const before = { runs: display.runs.length, spawns: spawned.children.length, procs: xpropChildren().sort() };
    expect(before.procs).toHaveLength(2); // the root spy and the title spy
    for (let i = 0; i < 20; i++) expect((await spy.activeWindow())?.title).toBe("Spy one");
    expect(display.runs.length).toBe(before.runs);
    expect(spawned.children.length).toBe(before.spawns);
    expect(xpropChildren().sort()).toEqual(before.procs);
  });

  it("recovers when the root spy is killed: answers meanwhile, then follows focus again", async () => {
    const [root] = spawned.alive("-root");
    root!.child.kill("SIGKILL");
    await new Promise((r) => root!.child.once("exit", r));
    // Until it is back (back-off 100 ms), polling answers: the same window, no gap.
    expect(await spy.activeWindow()).toMatchObject({ app: "XTerm", title: "Spy one" });
    await sleep(150);
    expect((await spy.activeWindow())?.title).toBe("Spy one");
    expect(spy.mode).toBe("spy");
    expect(spawned.alive("-root")).toHaveLength(1);
    expect(spawned.alive("-root")[0]!.child).not.toBe(root!.child);
    await x.xdotool("windowactivate", "--sync", ids.two);
    expect((await seen(spy, (w) => w?.title === "Spy two")).ms).toBeLessThanOrEqual(300);
  });

  it("recovers when the title spy is killed", async () => {
    const [title] = spawned.alive("-id");
    title!.child.kill("SIGKILL");
    await new Promise((r) => title!.child.once("exit", r));
    expect((await spy.activeWindow())?.title).toBe("Spy two"); // polled this once
    await sleep(150);
    expect((await spy.activeWindow())?.title).toBe("Spy two");
    const [again] = spawned.alive("-id");
    expect(again?.child).toBeDefined();
    expect(again!.child).not.toBe(title!.child);
    await x.xdotool("set_window", "--name", "Spy two renamed", ids.two);
    expect((await seen(spy, (w) => w?.title === "Spy two renamed")).ms).toBeLessThanOrEqual(300);
  });

  it("reports nothing focused once the focused window is gone and none is active", async () => {
    const lonely = x.spawn("xterm", ["-T", "Spy lonely", "-e", "sleep", "600"]);
    const id = await x.windowNamed("Spy lonely");
    await x.xdotool("windowactivate", "--sync", id);
    expect((await seen(spy, (w) => w?.title === "Spy lonely")).w?.pid).toBe(lonely.pid);
    lonely.kill("SIGKILL");
    // openbox then focuses another window or none; either way never the closed one.
    const { w } = await seen(spy, (w) => w?.title !== "Spy lonely");
    expect(w?.title).not.toBe("Spy lonely");
  });

  it("close() ends its children", async () => {
    expect(xpropChildren().length).toBeGreaterThan(0);
    await spy.close();
    expect(spy.mode).toBe("closed");
    expect(xpropChildren()).toEqual([]);
  });

  it("is what createX11Collectors gives by default, and close() ends it there too", async () => {
    const c = createX11Collectors({ display: x.display });
    expect(c.window).toBeInstanceOf(X11WindowSpy);
    expect(createX11Collectors({ display: x.display, windowTracking: "polling" }).window).not.toBeInstanceOf(X11WindowSpy);
    await x.xdotool("windowactivate", "--sync", ids.one);
    expect(await c.window.activeWindow()).toMatchObject({ app: "XTerm", title: "Spy one" });
    expect(xpropChildren()).toHaveLength(2);
    await c.close();
    expect(xpropChildren()).toEqual([]);
  });
});

describe.skipIf(skip !== null)("X11 window spy without a window manager", () => {
  let x: Xvfb;

  beforeAll(async () => {
    x = await Xvfb.start(["1280x720x24"]);
  }, 30_000);

  afterAll(async () => {
    await x?.stop();
  });

  it("answers through polling (the input focus), and switches to the spy once an EWMH window manager starts", async () => {
    const term = x.spawn("xterm", ["-T", "Unmanaged", "-e", "sleep", "600"]);
    const id = await x.windowNamed("Unmanaged");
    await x.xdotool("windowfocus", "--sync", id);
    const display = new CountingDisplay({ display: x.display });
    const spawned = countingSpawn();
    const spy = new X11WindowSpy(display, { spawn: spawned.fn, ewmhRetryMs: 300 });
    try {
      expect(await spy.activeWindow()).toEqual({ app: "XTerm", title: "Unmanaged", url: null, pid: term.pid });
      expect(spy.mode).toBe("polling");
      expect(spawned.children).toEqual([]);
      expect(display.runs.some((r) => r.startsWith("xdotool getwindowfocus"))).toBe(true);
      // A title change is seen at the next sample, as before.
      await x.xdotool("set_window", "--name", "Unmanaged renamed", id);
      expect((await spy.activeWindow())?.title).toBe("Unmanaged renamed");

      await x.startOpenbox();
      await x.xdotool("windowactivate", "--sync", id);
      await sleep(350);
      expect(await spy.activeWindow()).toMatchObject({ app: "XTerm", title: "Unmanaged renamed" });
      expect(spy.mode).toBe("spy");
      expect(spawned.alive("-root")).toHaveLength(1);
    } finally {
      await spy.close();
    }
  });

  it("answers no_display like the polling collector when the X server is not there", async () => {
    const spawned = countingSpawn();
    const spy = new X11WindowSpy(new X11Display({ display: ":65000" }), { spawn: spawned.fn });
    await expect(spy.activeWindow()).rejects.toMatchObject({ code: "no_display" });
    expect(spy.mode).toBe("polling");
    expect(spawned.children).toEqual([]);
    await spy.close();
  });
});
