/**
 * The tracker: the state machine, time entries, activity slots, idle spans, usage spans, the
 * privacy filter and the automatic project rules, composed. It holds no timer: the agent calls
 * `tick()` about once a second with the collectors' readings, and `handle()` with what the employee
 * or the operating system did; tests drive both with a fake clock. Everything it records goes to the
 * RecordSink as ingest items (worker/contract/agent.ts), in order.
 *
 * Time is counted in whole seconds. `cursor` is the first second not yet counted: each tick counts
 * the seconds that ended since the previous one into the running entry and its slots.
 */
import { SLOT_SECONDS, type IngestItem } from "../../../../worker/contract/agent";
import { v7 } from "uuid";
import type { IdleDecision, PendingIdle, StartOptions, TodayEntry, TrackerState } from "../facade";
import type { Clock, SystemEvent, WindowInfo } from "../ports";
import type { QueuedRecord, RecordSink } from "../records";
import { InputDetector, SlotLedger, type SlotTotals } from "./activity";
import { idleAction, idleItem, PendingIdles, reachedIdle, type IdleSpan } from "./idle";
import { isExcluded, recordable, type RecordedWindow } from "./privacy";
import { AutoProject, RULE_DEBOUNCE_SECONDS, ruleProject, type ProjectSwitch } from "./rules";
import type { TrackerSettings } from "./settings";
import { nextState, STOPPING_EVENTS, type TrackerEvent } from "./stateMachine";
import { isoAt, localDayOf, secondOf, slotStartOf } from "./time";
import { checkFields, TimeEntries, type Entry, type EntryFields } from "./timeEntries";
import { UsageSpans } from "./usage";

/**
 * Longer than this between two ticks while the timer runs means the machine slept (or the process
 * was frozen) without an event saying so: the timer stops as on suspend instead of counting the gap.
 */
export const SLEEP_GAP_MS = 60_000;

export interface TrackerReading {
  /** Seconds since the last input (null when the collector could not say). */
  idleSeconds: number | null;
  window: WindowInfo | null;
}

/** What the employee (through the UI) or the operating system tells the tracker. */
export type TrackerCommand =
  | { type: "signIn" }
  | { type: "signOut" }
  | ({ type: "start" } & StartOptions)
  | { type: "stop" }
  | { type: "system"; event: SystemEvent }
  | { type: "exit" };

export interface TrackerOptions {
  clock: Clock;
  sink: RecordSink;
  settings: TrackerSettings;
  /** Someone can answer the idle prompt (Electron). Without it "ask" is applied as discard (idle.ts). */
  idlePrompt?: boolean;
  /** How often the running entry and the open slot are re-emitted (Tuning.entryEveryMs); a crash loses at most this. */
  entryEveryMs?: number;
  ruleDebounceSeconds?: number;
  /**
   * The latest revisions of items recorded before a restart (from the queue): entries show in
   * today() and slots go on under the same id and a higher rev (the server allows one slot id per
   * device and slot start).
   */
  restore?: readonly IngestItem[];
  newId?: () => string;
  /** Called after every state change (the agent sends a heartbeat). */
  onStateChange?: (state: TrackerState) => void;
}

export interface TrackerSnapshot {
  state: TrackerState;
  running: { entryId: string; since: string; projectId: string | null; taskId: string | null; note: string; auto: boolean } | null;
  /** The focused window as it would be recorded (null: none, excluded, or apps not tracked). */
  current: RecordedWindow | null;
  /** The focused window matches an exclusion: no screenshot now. */
  focusExcluded: boolean;
  todaySeconds: number;
  /** Set while idle: where the idle span began. */
  idleSince: string | null;
  pendingIdle: PendingIdle[];
  /** The current slot's totals while tracking. */
  slot: { slotStart: string; trackedSeconds: number; activeSeconds: number } | null;
}

/** The idle span in progress (state idle): it began at `start`, taken out of `entry`. */
interface Held {
  start: number;
  entryId: string;
  fields: EntryFields;
}

const fieldsOf = (e: Entry): EntryFields => ({ projectId: e.projectId, taskId: e.taskId, note: e.note, auto: e.auto });

export class Tracker {
  private state: TrackerState = "signed_out";
  private settings: TrackerSettings;
  private readonly clock: Clock;
  private readonly sink: RecordSink;
  private readonly newId: () => string;
  private readonly idlePrompt: boolean;
  private readonly emitEvery: number;
  private readonly ruleDebounce: number;
  private readonly onStateChange: ((s: TrackerState) => void) | undefined;

  private readonly detector = new InputDetector();
  private readonly entries: TimeEntries;
  private readonly slots: SlotLedger;
  private readonly usage: UsageSpans;
  private readonly auto: AutoProject;
  private readonly pending = new PendingIdles();

  /** The first second not counted yet (meaningful while tracking). */
  private cursor = 0;
  /** The second of the last tick. */
  private seen: number | null = null;
  private lastTickMs: number | null = null;
  /** The last second with input while tracking. */
  private lastActive: number | null = null;
  /** A second with input that has not been counted yet. */
  private pendingActive: number | null = null;
  private held: Held | null = null;
  private lastEmit = 0;
  private window: WindowInfo | null = null;

  private out: QueuedRecord[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(opts: TrackerOptions) {
    this.clock = opts.clock;
    this.sink = opts.sink;
    this.settings = opts.settings;
    this.newId = opts.newId ?? (() => v7());
    this.idlePrompt = opts.idlePrompt ?? true;
    this.emitEvery = Math.max(1, Math.round((opts.entryEveryMs ?? 60_000) / 1000));
    this.onStateChange = opts.onStateChange;
    this.entries = new TimeEntries(this.newId);
    this.slots = new SlotLedger(this.newId);
    this.usage = new UsageSpans(this.newId);
    this.ruleDebounce = opts.ruleDebounceSeconds ?? RULE_DEBOUNCE_SECONDS;
    this.auto = new AutoProject(opts.settings.rules, this.ruleDebounce);
    for (const item of opts.restore ?? []) {
      if (item.kind === "time_entry") this.entries.restore(item);
      else if (item.kind === "slot") this.slots.restore(item);
    }
  }

  /* ------------------------------------------------------------------------------- the ticks */

  /** One reading of the collectors, about once a second. Resolves when what it recorded is durable. */
  tick(reading: TrackerReading): Promise<void> {
    const now = this.clock.now();
    const nowSec = secondOf(now);
    const gap = this.lastTickMs === null ? 0 : now - this.lastTickMs;
    this.lastTickMs = now;
    this.window = reading.window;
    const idle = reading.idleSeconds !== null && Number.isFinite(reading.idleSeconds) && reading.idleSeconds >= 0 ? reading.idleSeconds : null;
    const input = idle === null ? null : this.detector.observe(now, idle);

    if ((this.state === "tracking" || this.state === "idle") && gap > SLEEP_GAP_MS) {
      this.stopTimer(nowSec, true);
      this.transition({ type: "system", event: "suspend" });
    } else if (this.state === "tracking") {
      this.trackingTick(nowSec, idle, input);
    } else if (this.state === "idle" && input !== null) {
      this.returnFromIdle(input, nowSec);
    }
    this.seen = nowSec;
    return this.commit();
  }

  private trackingTick(nowSec: number, idle: number | null, input: number | null) {
    if (input !== null) {
      // One sample a second: input since the previous sample makes one second active. Input inside
      // the second this tick does not close yet is credited to the last second it does close, or a
      // steady stream of input that always lands late in a second would never count (found by the
      // Xvfb end-to-end run). The credit moves by under a second; the count of active seconds holds.
      this.pendingActive = Math.max(this.pendingActive ?? -Infinity, Math.min(secondOf(input), nowSec - 1));
    }
    this.advance(nowSec);
    const run = this.entries.running()!;
    if (idle !== null && reachedIdle(idle, this.settings.idleThresholdSeconds) && this.cursor > run.start) {
      this.enterIdle(run);
      return;
    }
    this.usage.observe(recordable(this.window, this.settings), this.cursor);
    if (run.auto) {
      const sw = this.auto.observe(run.projectId, this.classifiable(), this.cursor);
      if (sw) this.switchProject(run, sw);
    }
    // Spans ending at or before the last input can no longer become idle time.
    if (this.lastActive !== null) this.emit(this.usage.release(this.lastActive + 1));
    if (this.entries.runningUnsent()) this.emit(this.entries.emit());
    if (this.cursor - this.lastEmit >= this.emitEvery) this.emitAll(false);
  }

  /** Counts the seconds [cursor, to) as tracked; at each slot boundary crossed, closes the slot. */
  private advance(to: number) {
    const from = this.cursor;
    if (to <= from) return;
    let active: number | null = null;
    if (this.pendingActive !== null && this.pendingActive < to) {
      active = Math.max(from, this.pendingActive);
      this.pendingActive = null;
      this.lastActive = Math.max(this.lastActive ?? active, active);
    }
    this.slots.count(from, to, active);
    this.entries.extend(to);
    let crossed = false;
    for (let boundary = slotStartOf(from) + SLOT_SECONDS; boundary <= to; boundary += SLOT_SECONDS) {
      this.usage.cut(boundary);
      crossed = true;
    }
    if (crossed) this.emit(this.slots.emit(slotStartOf(to)));
    this.cursor = to;
  }

  /**
   * The end of the last second with input, as far as the running entry goes: no earlier than one
   * second after the entry's start (an entry already sent cannot be deleted, and the second in which
   * the employee pressed Start is work) and no later than what was counted.
   */
  private lastActiveEnd(run: Entry): number {
    const lastInput = this.detector.lastInputMs();
    const fromInput = lastInput === null ? -Infinity : secondOf(lastInput) + 1;
    return Math.min(this.cursor, Math.max(run.start + 1, (this.lastActive ?? -Infinity) + 1, fromInput));
  }

  private classifiable(): WindowInfo | null {
    const w = this.window;
    return w && !isExcluded(w, this.settings.exclusions) ? w : null;
  }

  /* -------------------------------------------------------------------------------- idle */

  /** The idle threshold was reached: the time since the last input leaves the running entry now. */
  private enterIdle(run: Entry) {
    const start = this.lastActiveEnd(run);
    this.slots.uncount(start, this.cursor);
    this.entries.finish(start);
    this.usage.truncate(start);
    this.auto.reset();
    this.pendingActive = null;
    this.held = { start, entryId: run.id, fields: fieldsOf(run) };
    this.emitAll(true);
    this.transition({ type: "idleDetected" });
  }

  /** Input again: the idle span ends at the second of that input, which is counted as active. */
  private returnFromIdle(inputMs: number, nowSec: number) {
    const held = this.held!;
    const end = Math.min(nowSec, Math.max(held.start, secondOf(inputMs)));
    this.closeIdle(held, end, true);
    this.cursor = end;
    this.pendingActive = end;
    this.advance(nowSec);
    this.usage.observe(recordable(this.window, this.settings), this.cursor);
    this.auto.reset();
    this.emitAll(false);
    this.transition({ type: "inputResumed" });
  }

  /**
   * Ends the idle span in progress at `end` and applies the policy. With `goOn` the timer goes on from
   * `end`: in the same entry when the time is kept, else in a new one with the same fields.
   */
  private closeIdle(held: Held, end: number, goOn: boolean) {
    this.held = null;
    const before = this.entries.get(held.entryId);
    // The entry is kept in memory while its span is held (prune), so `before` is only missing if
    // the ledger was cleared; then the timer goes on in a new entry rather than not at all.
    const resumeBefore = () => {
      if (before) this.entries.resume(before);
      else this.entries.begin(end, held.fields);
      this.entries.extend(end);
    };
    if (end <= held.start) {
      if (goOn) resumeBefore();
      return;
    }
    const action = idleAction(this.settings.idlePolicy, this.idlePrompt);
    if (action === "keep") {
      this.slots.count(held.start, end, null);
      if (goOn) resumeBefore();
      else if (before) this.entries.update(before, { end });
      else this.entries.add(held.start, end, held.fields);
      this.emit([idleItem({ id: this.newId(), start: held.start, end, beforeId: held.entryId, afterId: null }, { decision: "keep" })]);
      return;
    }
    const after = goOn ? this.entries.begin(end, held.fields) : null;
    const span: IdleSpan = { id: this.newId(), start: held.start, end, beforeId: held.entryId, afterId: after?.id ?? null };
    if (action === "ask") this.pending.add(span);
    else this.emit([idleItem(span, { decision: "discard" })]);
  }

  /** The employee's answer on an idle span (facade.resolveIdle). */
  resolveIdle(id: string, decision: IdleDecision): Promise<void> {
    try {
      if (decision.decision === "reassign") {
        if (!decision.projectId) throw new Error("Reassigned time needs a project.");
        checkFields({ projectId: decision.projectId, taskId: decision.taskId, note: "" });
      }
      const span = this.pending.take(id);
      if (!span) throw new Error(`No idle span ${id} is waiting for a decision.`);
      this.transition({ type: "idleResolved" });
      this.applyDecision(span, decision);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.commit();
  }

  private applyDecision(span: IdleSpan, decision: IdleDecision) {
    const before = this.entries.get(span.beforeId);
    const after = span.afterId ? this.entries.get(span.afterId) : null;
    const fields: EntryFields = before ? fieldsOf(before) : { projectId: null, taskId: null, note: "", auto: false };
    if (decision.decision === "keep") {
      // Fill the gap the span left: the entry before it grows back to where the timer went on.
      if (before && !before.running && before.end === span.start) this.entries.update(before, { end: span.end });
      else if (after && after.start === span.end) this.entries.update(after, { start: span.start });
      else this.entries.add(span.start, span.end, fields);
      this.slots.count(span.start, span.end, null);
    } else if (decision.decision === "reassign") {
      this.entries.add(span.start, span.end, { projectId: decision.projectId, taskId: decision.taskId, note: fields.note, auto: false });
      this.slots.count(span.start, span.end, null);
    }
    this.emit([idleItem(span, decision)]);
    this.emitAll(false);
  }

  /**
   * Spans nobody answered when the employee signs out or quits: their time is already out of the
   * entries, so they are recorded as what happened to them (discarded).
   */
  private settlePending() {
    for (const span of this.pending.takeAll()) this.emit([idleItem(span, { decision: "discard" })]);
  }

  /* ------------------------------------------------------------------------------ commands */

  /** What the employee or the operating system did. Illegal transitions reject with IllegalTransition. */
  handle(cmd: TrackerCommand): Promise<void> {
    try {
      this.apply(cmd);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.commit();
  }

  private apply(cmd: TrackerCommand) {
    const now = this.clock.now();
    const nowSec = secondOf(now);
    // A command after a silent sleep must not count the sleep either.
    const slept = this.lastTickMs !== null && now - this.lastTickMs > SLEEP_GAP_MS;
    switch (cmd.type) {
      case "signIn":
        this.transition(cmd);
        return;
      case "stop":
        nextState(this.state, cmd);
        this.stopTimer(nowSec, slept);
        this.transition(cmd);
        return;
      case "signOut":
      case "exit": {
        nextState(this.state, cmd);
        if (this.state === "tracking" || this.state === "idle") this.stopTimer(nowSec, slept);
        this.settlePending();
        const wasSignedIn = this.state !== "signed_out";
        this.transition(cmd);
        if (cmd.type === "signOut" && wasSignedIn) this.forget();
        return;
      }
      case "system":
        nextState(this.state, cmd);
        // Suspend, lock and shutdown stop at the last second with input: the machine going away says
        // the employee left then (auto-lock after a few idle minutes), and an event delivered late,
        // after the machine woke, must not count the sleep.
        if (STOPPING_EVENTS.includes(cmd.event) && (this.state === "tracking" || this.state === "idle")) this.stopTimer(nowSec, true);
        this.transition(cmd);
        return;
      case "start": {
        const fields: EntryFields = { projectId: cmd.projectId, taskId: cmd.taskId, note: cmd.note, auto: cmd.projectId === null };
        checkFields(fields);
        nextState(this.state, cmd);
        // Switching while tracking ends one entry where the next begins. Starting while idle is
        // input: the employee is back, the idle span ends now and is decided as any other.
        if (this.state === "tracking" || this.state === "idle") this.stopTimer(nowSec, slept);
        this.transition(cmd);
        this.beginTracking(Math.max(nowSec, this.cursor), fields);
        return;
      }
    }
  }

  private beginTracking(at: number, fields: EntryFields) {
    if (fields.auto) fields = { ...fields, projectId: ruleProject(this.settings.rules, this.classifiable()) };
    this.cursor = at;
    this.lastEmit = at;
    this.pendingActive = null;
    this.lastTickMs = this.clock.now();
    this.auto.reset();
    this.entries.begin(at, fields);
    this.usage.observe(recordable(this.window, this.settings), at);
  }

  /** Closes the running entry at `end` (≤ cursor): the seconds after it are taken back. */
  private closeRunning(end: number) {
    this.slots.uncount(end, this.cursor);
    this.entries.finish(end);
    this.usage.truncate(end);
    this.cursor = end;
  }

  /**
   * Stops the timer. `lastActive`: at the last second with input (system events, a silent sleep);
   * otherwise at `nowSec` (the employee stopped it). Emits everything that is now final.
   */
  private stopTimer(nowSec: number, lastActive: boolean) {
    if (this.state === "tracking") {
      if (lastActive) this.closeRunning(this.lastActiveEnd(this.entries.running()!));
      else {
        this.advance(nowSec);
        this.closeRunning(this.cursor);
      }
    } else if (this.state === "idle") {
      const held = this.held!;
      const end = lastActive ? (this.seen ?? held.start) : nowSec;
      this.closeIdle(held, Math.max(end, held.start), false);
    }
    this.pendingActive = null;
    this.auto.reset();
    this.emitAll(true);
  }

  /**
   * A rule's project took over from `sw.at`. If the entry so far is shorter than the debounce, it is
   * re-labelled instead of split: a stretch that short is a glance too, and would leave a stub entry.
   */
  private switchProject(run: Entry, sw: ProjectSwitch) {
    if (sw.at - run.start < this.ruleDebounce) this.entries.update(run, { projectId: sw.projectId, taskId: null });
    else {
      this.entries.finish(sw.at);
      this.entries.begin(sw.at, { ...fieldsOf(run), projectId: sw.projectId, taskId: null });
      this.entries.extend(this.cursor);
    }
    this.emit(this.entries.emit());
  }

  /** After sign-out nothing of the previous member stays in memory (it is all in the queue). */
  private forget() {
    this.entries.clear();
    this.slots.clear();
    this.usage.clear();
    this.held = null;
    this.lastActive = null;
  }

  /* ------------------------------------------------------------------------------ settings */

  updateSettings(settings: TrackerSettings) {
    this.settings = settings;
    this.auto.setRules(settings.rules);
    this.usage.restrict(settings);
  }

  /* ------------------------------------------------------------------------------ reading */

  get currentState(): TrackerState {
    return this.state;
  }

  /** Seconds recorded today (local day), including the running entry up to the last tick. */
  todaySeconds(): number {
    const day = localDayOf(this.clock.now());
    return this.entries.secondsIn(day.start, day.end);
  }

  today(): TodayEntry[] {
    const day = localDayOf(this.clock.now());
    return this.entries.between(day.start, day.end);
  }

  pendingIdle(): PendingIdle[] {
    return this.pending.list();
  }

  /** For the screenshot scheduler: no screenshot while an excluded app, site or title is focused. */
  isExcluded(window: Pick<WindowInfo, "app" | "title" | "url">): boolean {
    return isExcluded(window, this.settings.exclusions);
  }

  /** The last usage spans emitted, exactly as uploaded ("what is recorded"). */
  recentUsage() {
    return this.usage.recent();
  }

  /** Totals of the slot starting at `slotStartMs`, if this run counted or restored it. */
  slotTotals(slotStartMs: number): SlotTotals | null {
    return this.slots.totals(secondOf(slotStartMs));
  }

  snapshot(): TrackerSnapshot {
    const run = this.entries.running();
    const slot = this.state === "tracking" ? this.slots.totals(slotStartOf(Math.max(this.cursor - 1, run?.start ?? 0))) : null;
    return {
      state: this.state,
      running: run ? { entryId: run.id, since: isoAt(run.start), projectId: run.projectId, taskId: run.taskId, note: run.note, auto: run.auto } : null,
      current: this.state === "signed_out" ? null : recordable(this.window, this.settings),
      focusExcluded: this.window !== null && isExcluded(this.window, this.settings.exclusions),
      todaySeconds: this.todaySeconds(),
      idleSince: this.held ? isoAt(this.held.start) : null,
      pendingIdle: this.pending.list(),
      slot: slot ? { slotStart: isoAt(slot.slotStart), trackedSeconds: slot.trackedSeconds, activeSeconds: slot.activeSeconds } : null,
    };
  }

  /* ------------------------------------------------------------------------------ plumbing */

  private transition(event: TrackerEvent) {
    const next = nextState(this.state, event);
    if (next === this.state) return;
    this.state = next;
    this.onStateChange?.(next);
  }

  private emit(items: readonly IngestItem[]) {
    for (const item of items) this.out.push({ kind: "item", item });
  }

  /**
   * Every changed entry and slot; with `final` (the timer stopped or went idle, so no later idle span
   * can take any of it back) every closed usage span too. Then forget what is done.
   */
  private emitAll(final: boolean) {
    this.emit(this.entries.emit());
    this.emit(this.slots.emit());
    if (final) this.emit(this.usage.release());
    this.lastEmit = this.cursor;
    this.prune();
  }

  private prune() {
    const yesterday = localDayOf(this.clock.now() - 24 * 3600_000).start;
    const keep = this.pending.entryIds();
    if (this.held) keep.add(this.held.entryId);
    this.entries.prune(yesterday, keep);
    const earliest = Math.min(this.pending.earliestStart() ?? Infinity, this.held?.start ?? Infinity, this.cursor - SLOT_SECONDS);
    this.slots.prune(slotStartOf(Math.min(earliest, yesterday)));
  }

  /** Appends the records of this call after those of earlier calls; resolves when they are durable. */
  private commit(): Promise<void> {
    const records = this.out;
    this.out = [];
    if (!records.length) return this.writes;
    const written = this.writes.then(async () => {
      for (const r of records) await this.sink.append(r);
    });
    this.writes = written.catch(() => undefined);
    return written;
  }
}
