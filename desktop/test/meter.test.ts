/**
 * The resource meter: CPU % of one core over a sliding minute and RSS, sampled on demand.
 */
import { describe, expect, it } from "vitest";
import { ResourceMeter } from "../src/core/meter";

/** A scripted process: the test moves the clock and adds CPU time. */
function scripted() {
  const s = { now: 1_000_000, cpuMicros: 0, rss: 50 * 1024 * 1024 };
  const meter = new ResourceMeter({ clock: { now: () => s.now }, cpuMicros: () => s.cpuMicros, rssBytes: () => s.rss, startedAt: s.now });
  const advance = (ms: number, busyMs: number) => { s.now += ms; s.cpuMicros += busyMs * 1000; };
  return { s, meter, advance };
}

describe("resource meter", () => {
  it("reports CPU as a percentage of one core since start, then over the last minute", () => {
    const { s, meter, advance } = scripted();
    advance(10_000, 1_000); // 10 % for 10 s
    expect(meter.sample()).toEqual({ cpuPercent: 10, rssBytes: 50 * 1024 * 1024 });
    // A busy minute, sampled every second, then a quiet minute: the old load leaves the window.
    for (let i = 0; i < 60; i++) { advance(1_000, 500); meter.sample(); }
    expect(meter.sample().cpuPercent).toBeCloseTo(50, 0);
    for (let i = 0; i < 60; i++) { advance(1_000, 5); meter.sample(); }
    expect(meter.sample().cpuPercent).toBeCloseTo(0.5, 1);
    s.rss = 70 * 1024 * 1024;
    expect(meter.sample().rssBytes).toBe(70 * 1024 * 1024);
  });

  it("averages over the time since the last sample when it was not asked for a while", () => {
    const { meter, advance } = scripted();
    meter.sample();
    advance(300_000, 3_000); // five minutes at 1 %
    expect(meter.sample().cpuPercent).toBeCloseTo(1, 5);
  });

  it("keeps a bounded number of points however often it is asked", () => {
    const { meter, advance } = scripted();
    for (let i = 0; i < 100_000; i++) { advance(10, 1); meter.sample(); }
    expect((meter as unknown as { points: unknown[] }).points.length).toBeLessThanOrEqual(62);
    expect(meter.sample().cpuPercent).toBeCloseTo(10, 0);
  });

  it("measures this process for real", () => {
    const meter = new ResourceMeter();
    meter.sample();
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1); // keep a core busy for 0.3 s
    const usage = meter.sample();
    expect(x).toBeGreaterThan(0);
    expect(usage.cpuPercent).toBeGreaterThan(0);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });
});
