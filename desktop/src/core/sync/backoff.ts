/**
 * Exponential back-off with full jitter (a uniformly random wait between 0 and an exponentially
 * growing ceiling, capped): agents that went offline together (an office network, a server restart)
 * spread their retries instead of returning in waves. A server's Retry-After (429, 503) is a floor:
 * the agent never comes back earlier than it was told to.
 */
export interface BackoffOptions {
  /** Ceiling of the first wait. Default 1 s. */
  baseMs?: number;
  /** The ceiling stops growing here. Default 5 min. */
  maxMs?: number;
  /** A Retry-After beyond this is not believed (a misconfigured proxy must not park the agent for days). Default 1 h. */
  maxRetryAfterMs?: number;
  /** Injectable for tests; [0, 1). */
  random?: () => number;
}

/** Even the luckiest draw waits this long: a zero wait would retry in a tight loop. */
const MIN_DELAY_MS = 100;

export class Backoff {
  private failures = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 1000;
    this.maxMs = opts.maxMs ?? 5 * 60_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 3600_000;
    this.random = opts.random ?? Math.random;
  }

  /** Consecutive failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** The ceiling the next delay is drawn under. */
  get ceilingMs(): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures, 30));
  }

  /** Records a failure and returns how long to wait before the next try. */
  next(retryAfterMs: number | null = null): number {
    const jittered = Math.max(MIN_DELAY_MS, Math.floor(this.random() * this.ceilingMs));
    this.failures++;
    if (retryAfterMs === null) return jittered;
    return Math.max(Math.min(retryAfterMs, this.maxRetryAfterMs), jittered);
  }

  reset(): void {
    this.failures = 0;
  }
}
