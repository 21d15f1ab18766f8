/**
 * The agent's own resource use, shown to the employee (and printed by the benchmark): CPU as a
 * percentage of one core averaged over about the last minute, and resident memory. It owns no
 * timer: every sample() call records a point and answers from the points it has, so a closed
 * window or an idle headless agent costs nothing. The first sample averages since process start.
 */
import type { ResourceUsage } from "./facade";
import { systemClock, type Clock } from "./ports";

export interface MeterSources {
  clock?: Clock;
  /** Process CPU time (user + system) in microseconds since start. */
  cpuMicros?: () => number;
  rssBytes?: () => number;
  /** Process start in clock milliseconds (the baseline before the first sample). */
  startedAt?: number;
  windowMs?: number;
}

interface Point {
  at: number;
  cpu: number;
}

export class ResourceMeter {
  private readonly clock: Clock;
  private readonly cpuMicros: () => number;
  private readonly rss: () => number;
  private readonly windowMs: number;
  /** Ascending; at most one point older than the window is kept, as the baseline of the average. */
  private readonly points: Point[];

  constructor(src: MeterSources = {}) {
    this.clock = src.clock ?? systemClock;
    this.cpuMicros = src.cpuMicros ?? (() => { const u = process.cpuUsage(); return u.user + u.system; });
    this.rss = src.rssBytes ?? (() => process.memoryUsage.rss());
    this.windowMs = src.windowMs ?? 60_000;
    const startedAt = src.startedAt ?? this.clock.now() - process.uptime() * 1000;
    this.points = [{ at: startedAt, cpu: 0 }];
  }

  sample(): ResourceUsage {
    const now: Point = { at: this.clock.now(), cpu: this.cpuMicros() };
    // Drop points while the next one still reaches back to the window start.
    while (this.points.length >= 2 && this.points[1]!.at <= now.at - this.windowMs) this.points.shift();
    const base = this.points[0]!;
    const elapsedMs = now.at - base.at;
    const cpuPercent = elapsedMs > 0 ? Math.max(0, ((now.cpu - base.cpu) / 1000 / elapsedMs) * 100) : 0;
    // Keep about one point a second: enough resolution for a one-minute window, bounded memory however often the UI asks.
    const last = this.points[this.points.length - 1]!;
    if (this.points.length === 1 || now.at - last.at >= this.windowMs / 60) this.points.push(now);
    return { cpuPercent: Math.round(cpuPercent * 100) / 100, rssBytes: this.rss() };
  }
}
