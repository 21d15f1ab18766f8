/**
 * The tracker's states and which events may move it (issue 4 §1):
 *
 *   signed_out ──signIn──▶ stopped ──start──▶ tracking ◀──inputResumed── idle
 *        ▲                  ▲  ▲                │  ╰──────idleDetected──────▶│
 *        ╰──signOut─────────╯  ╰──stop, exit, suspend, lock-screen, shutdown─╯
 *
 * Suspend, screen lock and shutdown stop the timer; resume and unlock never start it again (the
 * employee starts it). start while tracking switches the entry; start while idle means the employee
 * is back and chose what to work on. signOut and exit stop first. Anything else is a programming
 * error in the caller and throws IllegalTransition instead of being ignored.
 */
import type { StartOptions, TrackerState } from "../facade";
import type { SystemEvent } from "../ports";

export type TrackerEvent =
  | { type: "signIn" }
  | { type: "signOut" }
  | ({ type: "start" } & StartOptions)
  | { type: "stop" }
  | { type: "idleDetected" }
  | { type: "inputResumed" }
  | { type: "idleResolved" }
  | { type: "system"; event: SystemEvent }
  | { type: "exit" };

export class IllegalTransition extends Error {
  constructor(readonly from: TrackerState, readonly event: TrackerEvent["type"]) {
    super(`Cannot ${event} while ${from.replace("_", " ")}.`);
    this.name = "IllegalTransition";
  }
}

/** The system events after which the timer must not be running. */
export const STOPPING_EVENTS: readonly SystemEvent[] = ["suspend", "lock-screen", "shutdown"];

export function nextState(from: TrackerState, event: TrackerEvent): TrackerState {
  const illegal = () => new IllegalTransition(from, event.type);
  if (from === "signed_out") {
    if (event.type === "signIn") return "stopped";
    if (event.type === "exit" || event.type === "system") return "signed_out";
    throw illegal();
  }
  switch (event.type) {
    case "signIn": throw illegal();
    case "signOut": return "signed_out";
    case "exit": return "stopped";
    case "start": return "tracking";
    case "stop": if (from === "stopped") throw illegal(); return "stopped";
    case "idleDetected": if (from !== "tracking") throw illegal(); return "idle";
    case "inputResumed": if (from !== "idle") throw illegal(); return "tracking";
    // A decision on an earlier idle span can come in any signed-in state and changes none.
    case "idleResolved": return from;
    case "system": return STOPPING_EVENTS.includes(event.event) ? "stopped" : from;
  }
}
