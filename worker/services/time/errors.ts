/**
 * The Workspace object answers refusals as data (RPC carries no error classes); this turns them into
 * the API's problem+json vocabulary with stable codes.
 */
import { AppError, conflict, validationFailed } from "../../http/problem";
import type { TimeFailure } from "../../workspace/timeEntries";

const iso = (ms: number) => new Date(ms).toISOString();

export function timeFailure(f: TimeFailure): AppError {
  switch (f.code) {
    case "timer_running":
      return conflict("timer_running", `A timer is already running (time entry ${f.entry.id}, started ${iso(f.entry.startMs)}). Stop it first.`);
    case "no_timer_running":
      return conflict("no_timer_running", "No timer is running.");
    case "time_entry_overlaps": {
      const until = f.other.endMs === null ? "running" : iso(f.other.endMs);
      return conflict("time_entry_overlaps", `Overlaps time entry ${f.other.id} (${iso(f.other.startMs)} – ${until}). Entries of one person never overlap.`);
    }
    case "time_entry_changed":
      return conflict("time_entry_changed", "The time entry changed meanwhile. Reload it and try again.");
    case "time_entry_running":
      return conflict("time_entry_running", "The entry is still running. Stop the timer first.");
    case "split_outside_entry":
      return validationFailed([{ field: "at", code: "split_outside_entry", message: "Must lie strictly between the entry's start and end." }]);
    case "not_pending":
      return conflict("not_pending", "Only entries waiting for approval can be approved or rejected.");
  }
}
