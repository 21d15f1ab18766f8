import { describe, expect, it } from "vitest";
import type { TrackerState } from "../src/core/facade";
import type { SystemEvent } from "../src/core/ports";
import { shutdownAgent, type ShutdownAgent } from "../src/main/shutdown";
import { systemEventForwarder } from "../src/main/systemEvents";

function fakeAgent(state: TrackerState, opts: { failStop?: boolean; failFlush?: boolean; flushNeverEnds?: boolean; pending?: number } = {}) {
  const calls: string[] = [];
  const agent: ShutdownAgent = {
    status: () => ({ state, workspaceName: null, memberName: null, todaySeconds: 0, running: null, current: null, pendingUploads: 0, online: true, lastSyncAt: null }),
    stop: async () => {
      calls.push("stop");
      if (opts.failStop) throw new Error("stop broke");
    },
    flush: async (timeoutMs) => {
      calls.push(`flush:${timeoutMs}`);
      if (opts.flushNeverEnds) await new Promise(() => undefined);
      if (opts.failFlush) throw new Error("offline");
      return { pending: opts.pending ?? 0 };
    },
    close: async () => {
      calls.push("close");
    },
  };
  return { agent, calls };
}

describe("quit", () => {
  it("stops a running timer, then flushes, then closes", async () => {
    for (const state of ["tracking", "idle"] as const) {
      const { agent, calls } = fakeAgent(state, { pending: 3 });
      const r = await shutdownAgent(agent, { flushTimeoutMs: 5000, hardDeadlineMs: 1000, log: () => undefined });
      expect(calls).toEqual(["stop", "flush:5000", "close"]);
      expect(r).toEqual({ pending: 3, timedOut: false });
    }
  });

  it("does not stop what is not running", async () => {
    for (const state of ["stopped", "signed_out"] as const) {
      const { agent, calls } = fakeAgent(state);
      await shutdownAgent(agent, { flushTimeoutMs: 10, hardDeadlineMs: 1000, log: () => undefined });
      expect(calls).toEqual(["flush:10", "close"]);
    }
  });

  it("still flushes and closes when a step fails, and says so", async () => {
    const logs: string[] = [];
    const { agent, calls } = fakeAgent("tracking", { failStop: true, failFlush: true });
    const r = await shutdownAgent(agent, { flushTimeoutMs: 10, hardDeadlineMs: 1000, log: (m) => logs.push(m) });
    expect(calls).toEqual(["stop", "flush:10", "close"]);
    expect(r).toEqual({ pending: null, timedOut: false });
    expect(logs.join("\n")).toMatch(/stop on quit failed.*stop broke[\s\S]*flush on quit failed.*offline/);
  });

  it("gives up at the hard deadline instead of hanging the quit", async () => {
    const { agent } = fakeAgent("stopped", { flushNeverEnds: true });
    const t0 = Date.now();
    const r = await shutdownAgent(agent, { flushTimeoutMs: 10, hardDeadlineMs: 50, log: () => undefined });
    expect(r).toEqual({ pending: null, timedOut: true });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("system events", () => {
  it("reach the agent one at a time, in order, even when one is slow or fails", async () => {
    const seen: string[] = [];
    const logs: string[] = [];
    const agent = {
      systemEvent: async (e: SystemEvent) => {
        seen.push(`begin:${e}`);
        if (e === "lock-screen") await new Promise((r) => setTimeout(r, 30));
        seen.push(`end:${e}`);
        if (e === "suspend") throw new Error("disk full");
      },
    };
    const forward = systemEventForwarder(agent, (m) => logs.push(m));
    void forward("lock-screen");
    void forward("suspend");
    await forward("resume");
    expect(seen).toEqual(["begin:lock-screen", "end:lock-screen", "begin:suspend", "end:suspend", "begin:resume", "end:resume"]);
    expect(logs).toEqual(["system event suspend failed: Error: disk full"]);
  });
});
