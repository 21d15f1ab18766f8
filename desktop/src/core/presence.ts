/**
 * What the agent tells the live board, and when (issue 5; docs/agent-protocol.md §3).
 *
 * A heartbeat carries the state, the running timer (`entry`) and the focused app (`app`). It goes
 * out at once when the state or the timer changes (start, stop, idle, a project or task switch,
 * including one made by an automatic rule), when the focused app changes — at most one such
 * heartbeat per APP_CHANGE_EVERY_MS, so flicking through windows does not flood the server (the
 * last app is sent once the interval has passed) — and every `everyMs` while the timer runs.
 *
 * Privacy: `app` is the tracker's `current`, i.e. the window after the agent's own filter: null when
 * it matches an exclusion or apps are not tracked, the title only where the workspace captures
 * titles, the URL reduced to scheme, host and path. It is also null unless the timer is tracking:
 * nothing is recorded outside tracking time, so presence does not tell it either.
 */
import type { Clock } from "./ports";
import type { HeartbeatApp, HeartbeatEntry, HeartbeatRecord } from "./records";
import type { TrackerSnapshot } from "./tracker/tracker";

/** At most one heartbeat per this long because the focused app changed. */
export const APP_CHANGE_EVERY_MS = 5_000;

/** The Worker's limits on a heartbeat's app (worker/contract/live.ts HeartbeatActivity), tighter than a usage span's. */
const MAX_APP = 200;
const MAX_TITLE = 1000;
const MAX_URL = 2048;

type SentState = HeartbeatRecord["state"];

/** What the board is told: a heartbeat without its timestamp. */
export interface Presence {
  state: SentState;
  entry: HeartbeatEntry | null;
  app: HeartbeatApp | null;
}

/** The parts of the tracker's snapshot presence is made of. */
export type PresenceSnapshot = Pick<TrackerSnapshot, "state" | "running" | "current">;

const sameEntry = (a: HeartbeatEntry | null, b: HeartbeatEntry | null) =>
  a === b || (a !== null && b !== null && a.id === b.id && a.start === b.start && a.projectId === b.projectId && a.taskId === b.taskId);

const sameApp = (a: HeartbeatApp | null, b: HeartbeatApp | null) =>
  a === b || (a !== null && b !== null && a.name === b.name && a.title === b.title && a.url === b.url);

/** The recorded window within the heartbeat's limits: a URL too long for it is left out rather than refused. */
function boardApp(current: PresenceSnapshot["current"]): HeartbeatApp | null {
  if (!current) return null;
  const name = current.app.slice(0, MAX_APP);
  if (!name) return null;
  return {
    name,
    title: current.title === null ? null : current.title.slice(0, MAX_TITLE),
    url: current.url !== null && current.url.length <= MAX_URL ? current.url : null,
  };
}

export interface PresencePlannerOptions {
  clock: Clock;
  /** Heartbeat this often while the timer runs (Tuning.heartbeatEveryMs). */
  everyMs: number;
  appChangeEveryMs?: number;
}

/**
 * Decides, from the tracker's snapshot, whether a heartbeat is due and what it says. The agent asks
 * after every tick and every command; asking more often than needed sends nothing more.
 */
export class PresencePlanner {
  private last: Presence | null = null;
  private lastAt = 0;
  /**
   * The timer that was running when the member went idle. The tracker takes the idle time out of
   * the entry (it is no longer "running" in its snapshot), but to the board the timer still runs:
   * idle is shown with the same project and start.
   */
  private held: HeartbeatEntry | null = null;
  private readonly appChangeEveryMs: number;

  constructor(private readonly opts: PresencePlannerOptions) {
    this.appChangeEveryMs = opts.appChangeEveryMs ?? APP_CHANGE_EVERY_MS;
  }

  /** Forget what was sent (a new sign-in starts with a full heartbeat). */
  reset() {
    this.last = null;
    this.lastAt = 0;
    this.held = null;
  }

  /** What the board should see now (null: signed out, nothing to say). */
  presenceOf(snap: PresenceSnapshot): Presence | null {
    if (snap.state === "signed_out") return null;
    if (snap.state === "stopped") {
      this.held = null;
      return { state: "stopped", entry: null, app: null };
    }
    if (snap.running) {
      const r = snap.running;
      this.held = { id: r.entryId, start: r.since, projectId: r.projectId, taskId: r.taskId };
    }
    return { state: snap.state, entry: this.held, app: snap.state === "tracking" ? boardApp(snap.current) : null };
  }

  /** The heartbeat to send now, or null when none is due. */
  next(snap: PresenceSnapshot): HeartbeatRecord | null {
    const p = this.presenceOf(snap);
    if (!p) {
      this.reset();
      return null;
    }
    const now = this.opts.clock.now();
    const since = now - this.lastAt;
    const last = this.last;
    const due = last === null || p.state !== last.state || !sameEntry(p.entry, last.entry)
      || (!sameApp(p.app, last.app) && since >= this.appChangeEveryMs)
      || (p.state !== "stopped" && since >= this.opts.everyMs);
    if (!due) return null;
    this.last = p;
    this.lastAt = now;
    return { at: new Date(now).toISOString(), state: p.state, entry: p.entry, app: p.app };
  }
}

/**
 * Sends heartbeats one at a time, in order: two in flight could arrive swapped and leave the board
 * on the older state. While one is under way only the newest waiting heartbeat is kept (presence is
 * only worth its latest value). A failed send is dropped: heartbeats are never queued or retried.
 */
export class HeartbeatSender {
  private waiting: HeartbeatRecord | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly post: (hb: HeartbeatRecord) => Promise<unknown>) {}

  send(hb: HeartbeatRecord) {
    this.waiting = hb;
    this.running ??= this.drain();
  }

  /** Resolves when nothing is waiting or under way. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain() {
    while (this.waiting) {
      const hb = this.waiting;
      this.waiting = null;
      await this.post(hb).catch(() => undefined);
    }
    this.running = null;
  }
}
