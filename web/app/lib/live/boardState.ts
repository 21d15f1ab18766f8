/**
 * The board as the page holds it, and how server frames change it (pure; unit-tested).
 * - A snapshot replaces the board; a delta upserts and removes rows.
 * - Within one epoch (one lifetime of the workspace's object) seq only grows, so a frame with an
 *   older seq is stale (a late delta after a resync snapshot) and is ignored. A new epoch starts
 *   with a snapshot; a delta of an epoch the page has no snapshot of cannot be applied and asks for
 *   a resync instead.
 * - Rows that did not change keep their object identity, so memoized table rows skip rendering.
 */
import { LiveServerFrame, type LiveMember } from "../../../../worker/contract/live";
import { clockOffset } from "./time";

export interface BoardState {
  /** Epoch and seq of the last applied frame (null before the first snapshot). */
  epoch: string | null;
  seq: number;
  /** Server clock minus browser clock at the last frame. */
  clockOffsetMs: number;
  members: ReadonlyMap<string, LiveMember>;
}

export const emptyBoard: BoardState = { epoch: null, seq: -1, clockOffsetMs: 0, members: new Map() };

export interface ApplyResult {
  state: BoardState;
  /** A delta could not be applied (no snapshot of its epoch yet): ask the server for a snapshot. */
  needsResync: boolean;
}

/** Text from the socket → a validated frame, or null (not JSON, or not the contract): dropped. */
export function parseServerFrame(text: unknown): LiveServerFrame | null {
  if (typeof text !== "string") return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = LiveServerFrame.safeParse(json);
  return parsed.success ? parsed.data : null;
}

const sameApp = (a: LiveMember["app"], b: LiveMember["app"]) =>
  a === b || (a != null && b != null && a.name === b.name && a.title === b.title && a.url === b.url);
const sameShot = (a: LiveMember["screenshot"], b: LiveMember["screenshot"]) =>
  a === b || (a != null && b != null && a.id === b.id && a.takenAt === b.takenAt);

/** Field-by-field equality of two rows (both parsed from the contract, so the keys are known). */
export function sameRow(a: LiveMember, b: LiveMember): boolean {
  return a.memberId === b.memberId && a.status === b.status && a.projectId === b.projectId && a.taskId === b.taskId
    && a.timerStartedAt === b.timerStartedAt && a.today === b.today && a.todayStartsAt === b.todayStartsAt
    && a.todaySeconds === b.todaySeconds && a.lastSeenAt === b.lastSeenAt && a.source === b.source
    && a.activityPercent === b.activityPercent && sameApp(a.app, b.app) && sameShot(a.screenshot, b.screenshot);
}

/** `next`, or the row already held when nothing in it changed (keeps React.memo effective). */
function keepIfSame(held: ReadonlyMap<string, LiveMember>, next: LiveMember): LiveMember {
  const old = held.get(next.memberId);
  return old && sameRow(old, next) ? old : next;
}

/** A jump larger than this means a clock was set (not delivery jitter): start over from the new sample. */
const CLOCK_JUMP_MS = 60_000;

/**
 * Each frame's serverTime − arrival time is the true clock offset minus how long the frame took to
 * arrive, so the largest sample seen is the best estimate (delivery time only ever lowers it). Under
 * load a frame can take a second or more; taking each sample as it is would hold every running timer
 * back by that much.
 */
function nextClockOffset(state: BoardState, sample: number): number {
  if (state.epoch === null || Math.abs(sample - state.clockOffsetMs) > CLOCK_JUMP_MS) return sample;
  return Math.max(state.clockOffsetMs, sample);
}

export function isStale(state: BoardState, frame: LiveServerFrame): boolean {
  if (state.epoch !== frame.epoch) return false;
  // A snapshot may repeat the current seq (a resync while nothing changed); a delta may not.
  return frame.type === "snapshot" ? frame.seq < state.seq : frame.seq <= state.seq;
}

export function applyFrame(state: BoardState, frame: LiveServerFrame, receivedAt: number): ApplyResult {
  if (frame.type === "delta" && frame.epoch !== state.epoch) return { state, needsResync: true };
  if (isStale(state, frame)) return { state, needsResync: false };
  const clockOffsetMs = nextClockOffset(state, clockOffset(frame.serverTime, receivedAt));

  if (frame.type === "snapshot") {
    const members = new Map<string, LiveMember>();
    for (const m of frame.members) members.set(m.memberId, keepIfSame(state.members, m));
    return { state: { epoch: frame.epoch, seq: frame.seq, clockOffsetMs, members }, needsResync: false };
  }

  const members = new Map(state.members);
  for (const id of frame.remove) members.delete(id);
  for (const m of frame.upsert) members.set(m.memberId, keepIfSame(state.members, m));
  return { state: { epoch: frame.epoch, seq: frame.seq, clockOffsetMs, members }, needsResync: false };
}

/** Applies a batch of frames received since the last animation frame, in order, in one state change. */
export function applyFrames(state: BoardState, frames: readonly { frame: LiveServerFrame; receivedAt: number }[]): ApplyResult {
  let needsResync = false;
  let next = state;
  // Only frames from the last snapshot on matter: the snapshot replaces everything before it.
  let from = 0;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i]!.frame.type === "snapshot") { from = i; break; }
  }
  for (let i = from; i < frames.length; i++) {
    const r = applyFrame(next, frames[i]!.frame, frames[i]!.receivedAt);
    next = r.state;
    needsResync ||= r.needsResync;
  }
  return { state: next, needsResync };
}
