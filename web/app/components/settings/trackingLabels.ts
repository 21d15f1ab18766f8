/** Plain-word names for the tracking policies, shared by the settings form and the read-only view. */
import type { TrackingSettings } from "../../../../worker/services/tracking/settings";

export const IDLE_POLICY_LABELS: Record<TrackingSettings["idlePolicy"], string> = {
  ask: "Ask the member: keep, remove or move the idle time",
  keep: "Keep idle time as worked time",
  discard: "Remove idle time automatically",
};

export const MANUAL_TIME_LABELS: Record<TrackingSettings["manualTime"], string> = {
  allowed: "Members may add time by hand",
  approval: "Time added by hand needs a manager's approval",
  forbidden: "Members may not add time by hand",
};

/** The same policies as the reader of the read-only page lives them. */
export const IDLE_POLICY_FOR_MEMBER: Record<TrackingSettings["idlePolicy"], string> = {
  ask: "You decide whether to keep it, remove it or move it to another project",
  keep: "It is kept as worked time",
  discard: "It is removed from your time automatically",
};

export const MANUAL_TIME_FOR_MEMBER: Record<TrackingSettings["manualTime"], string> = {
  allowed: "You may add time by hand, with a reason",
  approval: "You may add time by hand, with a reason; a manager approves it before it counts",
  forbidden: "You cannot add time by hand",
};

export const options = <K extends string>(labels: Record<K, string>) =>
  (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

/**
 * Seconds as a minutes figure for the form (300 → "5", 90 → "1.5"). Four decimals are enough for the
 * form's Math.round(minutes * 60) to give back exactly the stored seconds, so saving other fields
 * never shifts a threshold set through the API.
 */
export const secondsToMinutes = (s: number) => String(Number((s / 60).toFixed(4)));
