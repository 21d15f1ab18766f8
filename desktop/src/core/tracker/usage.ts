/**
 * App and site usage spans from the focused window. A span is one app + title + URL as recorded
 * (after the privacy filter, so two titles that are both dropped are one span); it closes when that
 * changes, when the timer stops or goes idle, and at every slot boundary (spans never cross a slot).
 *
 * Usage items are never revised, so a closed span waits before it is emitted until no idle span can
 * still take part of it back: until an input after its end (the last active second) proves that
 * time was not idle, or the span is cut to the idle start, or the timer stops.
 */
import { UsageItem } from "../../../../worker/contract/agent";
import type { PrivacySettings } from "./settings";
import { recordable, type RecordedWindow } from "./privacy";
import { isoAt } from "./time";

interface Span extends RecordedWindow {
  start: number;
  end: number;
}

const same = (a: RecordedWindow, b: RecordedWindow) => a.app === b.app && a.title === b.title && a.url === b.url;

/** How many emitted spans the "what is recorded" view keeps. */
const RECENT = 50;

export class UsageSpans {
  private open: (RecordedWindow & { start: number }) | null = null;
  private closed: Span[] = [];
  private readonly recentItems: UsageItem[] = [];

  constructor(private readonly newId: () => string) {}

  /** The recordable focused window at second `at` (null: nothing to record). */
  observe(window: RecordedWindow | null, at: number) {
    if (this.open && window && same(this.open, window)) return;
    this.close(at);
    if (window) this.open = { ...window, start: at };
  }

  /** Ends the open span at `at`. */
  close(at: number) {
    const o = this.open;
    this.open = null;
    if (o && at > o.start) this.closed.push({ app: o.app, title: o.title, url: o.url, start: o.start, end: at });
  }

  /** Ends the open span at a slot boundary and goes on with the same window. */
  cut(at: number) {
    const o = this.open;
    if (!o || at <= o.start) return;
    this.close(at);
    this.open = { ...o, start: at };
  }

  /** An idle span starts at `at`: nothing after it is usage. */
  truncate(at: number) {
    if (this.open && this.open.start >= at) this.open = null;
    this.close(at);
    this.closed = this.closed.filter((s) => s.start < at).map((s) => (s.end > at ? { ...s, end: at } : s));
  }

  /** New privacy settings apply to what has not been emitted yet. */
  restrict(settings: PrivacySettings) {
    const keep = (w: RecordedWindow) => recordable(w, settings);
    this.closed = this.closed.flatMap((s) => { const w = keep(s); return w ? [{ ...w, start: s.start, end: s.end }] : []; });
    if (this.open) {
      const w = keep(this.open);
      this.open = w ? { ...w, start: this.open.start } : null;
    }
  }

  /** Items for the closed spans that end at or before `horizon` (all when undefined). */
  release(horizon?: number): UsageItem[] {
    const ready = horizon === undefined ? this.closed : this.closed.filter((s) => s.end <= horizon);
    if (!ready.length) return [];
    this.closed = horizon === undefined ? [] : this.closed.filter((s) => s.end > horizon);
    const items = ready.map((s) => UsageItem.parse({
      kind: "usage", id: this.newId(), app: s.app,
      ...(s.title !== null ? { title: s.title } : {}), ...(s.url !== null ? { url: s.url } : {}),
      start: isoAt(s.start), end: isoAt(s.end),
    }));
    this.recentItems.push(...items);
    this.recentItems.splice(0, Math.max(0, this.recentItems.length - RECENT));
    return items;
  }

  current(): RecordedWindow | null {
    return this.open ? { app: this.open.app, title: this.open.title, url: this.open.url } : null;
  }

  /** The last emitted spans, exactly as uploaded. */
  recent(): readonly UsageItem[] {
    return this.recentItems;
  }

  clear() {
    this.open = null;
    this.closed = [];
  }
}
