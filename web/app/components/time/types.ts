/**
 * The timesheet page's view model (built on the server by web/app/lib/timesheet.server.ts). Every time
 * is already formatted in the viewed member's zone, so the server and the browser render the same text.
 */
export interface Option {
  value: string;
  label: string;
}

export interface EntryRow {
  id: string;
  dayLabel: string;
  from: string;
  /** null while running. */
  to: string | null;
  duration: string;
  project: string | null;
  task: string | null;
  note: string;
  source: "desktop" | "web" | "api";
  approval: "approved" | "pending" | "rejected";
  reason: string | null;
  editable: boolean;
  approvable: boolean;
  /** datetime-local values for the edit form. */
  startInput: string;
  endInput: string | null;
  projectId: string | null;
  taskId: string | null;
}

export interface SlotCell {
  key: string;
  /** e.g. "09:10 – 45% active", or "09:10 – no tracking". */
  label: string;
  /** act-0 … act-10 (activity deciles) or slot-empty. */
  className: string;
}

export interface DayStrip {
  date: string;
  label: string;
  total: string;
  cells: SlotCell[];
}

export interface Running {
  id: string;
  project: string | null;
  task: string | null;
  note: string;
  since: string;
  elapsed: string;
}

export interface Work {
  projects: Option[];
  tasks: Option[];
}
