/** The tracker (issue 4 §1): pure logic driven by a clock and the collectors' readings. */
export { Tracker, SLEEP_GAP_MS, type TrackerCommand, type TrackerOptions, type TrackerReading, type TrackerSnapshot } from "./tracker";
export { IllegalTransition, nextState, STOPPING_EVENTS, type TrackerEvent } from "./stateMachine";
export { isExcluded, recordable, type RecordedWindow } from "./privacy";
export { AutoProject, RULE_DEBOUNCE_SECONDS, ruleProject, type ProjectSwitch } from "./rules";
export { InputDetector, SlotLedger, type SlotTotals } from "./activity";
export { idleAction, reachedIdle, type IdleAction } from "./idle";
export { IDLE_POLICIES, type Exclusions, type IdlePolicy, type PrivacySettings, type TrackerSettings } from "./settings";
