/** Time on the live board: running timers, today's total across midnight, formats, back-off. */
import { describe, expect, it } from "vitest";
import type { LiveMember } from "../../worker/contract/live";
import { clockOffset, elapsedSeconds, formatClock, formatLastSeen, formatTotal, todaySecondsAt } from "../../web/app/lib/live/time";
import { liveSocketUrl, RECONNECT_MAX_MS, reconnectDelay } from "../../web/app/lib/live/reconnect";

const H = 3_600_000;
const DAY_START = Date.UTC(2026, 0, 5); // the member's local midnight, as the server sends it

type Timed = Pick<LiveMember, "status" | "timerStartedAt" | "todayStartsAt" | "todaySeconds">;
const timed = (over: Partial<Timed>): Timed => ({ status: "tracking", timerStartedAt: DAY_START + 9 * H, todayStartsAt: DAY_START, todaySeconds: 0, ...over });

describe("running timer", () => {
  it("counts whole seconds from the timer's start while tracking or idle", () => {
    const row = timed({});
    expect(elapsedSeconds(row, DAY_START + 9 * H + 61_900)).toBe(61);
    expect(elapsedSeconds({ ...row, status: "idle" }, DAY_START + 10 * H)).toBe(3600);
  });

  it("has no elapsed time when stopped or offline, or without a start", () => {
    expect(elapsedSeconds(timed({ status: "stopped" }), DAY_START + 10 * H)).toBeNull();
    expect(elapsedSeconds(timed({ status: "offline" }), DAY_START + 10 * H)).toBeNull();
    expect(elapsedSeconds(timed({ timerStartedAt: null }), DAY_START + 10 * H)).toBeNull();
  });

  it("never goes negative when the browser's idea of server time is a little behind", () => {
    expect(elapsedSeconds(timed({}), DAY_START + 9 * H - 2_000)).toBe(0);
  });
});

describe("today's total", () => {
  it("adds the running part to the closed seconds", () => {
    const row = timed({ todaySeconds: 1800 });
    expect(todaySecondsAt(row, DAY_START + 9 * H + 600_000)).toBe(1800 + 600);
  });

  it("counts a timer started yesterday only from the start of today", () => {
    const row = timed({ timerStartedAt: DAY_START - 2 * H, todaySeconds: 0 });
    expect(todaySecondsAt(row, DAY_START + H)).toBe(3600);
    expect(elapsedSeconds(row, DAY_START + H)).toBe(3 * 3600);
  });

  it("is the closed seconds alone when no timer runs", () => {
    expect(todaySecondsAt(timed({ status: "stopped", todaySeconds: 4000 }), DAY_START + 20 * H)).toBe(4000);
  });
});

describe("formats", () => {
  it.each([[0, "0:00:00"], [59, "0:00:59"], [249, "0:04:09"], [3600, "1:00:00"], [43_200, "12:00:00"], [-5, "0:00:00"]])("clock %i → %s", (s, text) => {
    expect(formatClock(s)).toBe(text);
  });

  it.each([[0, "0m"], [59, "0m"], [2700, "45m"], [3600, "1h 00m"], [11_100, "3h 05m"]])("total %i → %s", (s, text) => {
    expect(formatTotal(s)).toBe(text);
  });

  it.each([
    [null, "never"], [0, "just now"], [59_000, "just now"], [5 * 60_000, "5 min ago"], [59 * 60_000, "59 min ago"],
    [3 * H, "3 h ago"], [47 * H, "47 h ago"], [72 * H, "3 days ago"],
  ])("last seen %s ms ago → %s", (ago, text) => {
    const now = DAY_START;
    expect(formatLastSeen(ago === null ? null : now - ago, now)).toBe(text);
  });

  it("takes the server's clock offset from a frame", () => {
    expect(clockOffset(10_000, 9_000)).toBe(1_000);
  });
});

describe("reconnect back-off", () => {
  it("grows exponentially, stays within the upper half of each step and is capped at 15 s", () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 0)).toBe(2000);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    for (const attempt of [5, 6, 10, 50, 10_000]) {
      expect(reconnectDelay(attempt, () => 1)).toBe(RECONNECT_MAX_MS);
      expect(reconnectDelay(attempt, () => 0)).toBe(RECONNECT_MAX_MS / 2);
    }
  });

  it("spreads reconnects of many boards (jitter)", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(4, random)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it("connects on the page's own origin with ws or wss", () => {
    expect(liveSocketUrl("http://localhost:8787", "abc")).toBe("ws://localhost:8787/live/abc");
    expect(liveSocketUrl("https://app.example.com", "abc")).toBe("wss://app.example.com/live/abc");
  });
});

describe("shared ticker", () => {
  it("gives a fresh time to a reader while nobody listens, stable within a period", async () => {
    const { createTicker } = await import("../../web/app/lib/live/ticker");
    const ticker = createTicker(50);
    const first = ticker.now();
    expect(Math.abs(first - Date.now())).toBeLessThan(50);
    expect(ticker.now()).toBe(first);
    await new Promise((r) => setTimeout(r, 60));
    expect(ticker.now()).toBeGreaterThanOrEqual(first + 50);
  });

  it("ticks its listeners once per period while someone listens, and stops after the last leaves", async () => {
    const { createTicker } = await import("../../web/app/lib/live/ticker");
    const ticker = createTicker(20);
    let calls = 0;
    const off = ticker.subscribe(() => calls++);
    await new Promise((r) => setTimeout(r, 110));
    off();
    const seen = calls;
    // At most one tick per period (timers may fire late on a busy machine, never early).
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(seen).toBeLessThanOrEqual(6);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(seen);
  });
});
