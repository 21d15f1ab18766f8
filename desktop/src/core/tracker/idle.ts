/**
 * Idle spans. When the idle collector reaches the workspace threshold the time since the last input
 * is taken out of the running entry at once (flagged); the span ends when input resumes or the timer
 * stops. Then the workspace's idlePolicy decides (worker/db/schema.ts IDLE_POLICIES):
 * - "keep": the time goes back into the entry (the same entry continues);
 * - "discard": it stays out; the timer continues in a new entry with the same project, task, note;
 * - "ask": as discard until the employee answers (a PendingIdle): keep fills the gap again, reassign
 *   records it on the chosen project, discard leaves it. Where no one can answer (the headless agent
 *   without a prompt) "ask" is applied as discard: idle time nobody confirmed is not billed.
 * Each decision is uploaded as an `idle` item; the entries it changes are uploaded as new revisions
 * of them, because the server stores the decision and never subtracts time itself (ADR 0006).
 */
import { IdleItem } from "../../../../worker/contract/agent";
import type { IdleDecision, PendingIdle } from "../facade";
import type { IdlePolicy } from "./settings";
import { isoAt } from "./time";

export type IdleAction = "ask" | "keep" | "discard";

/** At or past the threshold (a threshold below one second would flag every second). */
export const reachedIdle = (idleSeconds: number, thresholdSeconds: number): boolean =>
  idleSeconds >= Math.max(1, thresholdSeconds);

export const idleAction = (policy: IdlePolicy, canAsk: boolean): IdleAction =>
  policy === "ask" && !canAsk ? "discard" : policy;

/** A closed idle span and the entries around it. */
export interface IdleSpan {
  id: string;
  start: number;
  end: number;
  /** The entry the span was taken out of (it ends at `start`). */
  beforeId: string;
  /** The entry the timer went on in after the span (it starts at `end`), if it went on. */
  afterId: string | null;
}

export function idleItem(span: IdleSpan, decision: IdleDecision): IdleItem {
  return IdleItem.parse({
    kind: "idle", id: span.id, start: isoAt(span.start), end: isoAt(span.end), decision: decision.decision,
    ...(decision.decision === "reassign" ? { projectId: decision.projectId, taskId: decision.taskId } : {}),
  });
}

/** Idle spans waiting for the employee, oldest first. */
export class PendingIdles {
  private readonly spans: IdleSpan[] = [];

  add(span: IdleSpan) {
    this.spans.push(span);
  }

  take(id: string): IdleSpan | null {
    const i = this.spans.findIndex((s) => s.id === id);
    return i < 0 ? null : this.spans.splice(i, 1)[0]!;
  }

  takeAll(): IdleSpan[] {
    return this.spans.splice(0);
  }

  list(): PendingIdle[] {
    return this.spans.map((s) => ({ id: s.id, start: isoAt(s.start), end: isoAt(s.end) }));
  }

  /** Entries and seconds pending decisions still refer to (kept in memory until decided). */
  entryIds(): Set<string> {
    return new Set(this.spans.flatMap((s) => (s.afterId ? [s.beforeId, s.afterId] : [s.beforeId])));
  }

  earliestStart(): number | null {
    return this.spans.length ? Math.min(...this.spans.map((s) => s.start)) : null;
  }
}
