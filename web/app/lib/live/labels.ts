/** The words the board uses for a member's status (the colour dot is never the only signal). */
import type { LiveStatus } from "../../../../worker/contract/live";

export const STATUS_LABEL: Record<LiveStatus, string> = {
  tracking: "Working",
  idle: "Idle",
  stopped: "Stopped",
  offline: "Offline",
};

/** Status filter choices, in the board's sort order. */
export const STATUS_OPTIONS: { value: LiveStatus; label: string }[] = [
  { value: "tracking", label: STATUS_LABEL.tracking },
  { value: "idle", label: STATUS_LABEL.idle },
  { value: "stopped", label: STATUS_LABEL.stopped },
  { value: "offline", label: STATUS_LABEL.offline },
];
