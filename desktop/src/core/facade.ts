/**
 * What the user interfaces (the Electron window and tray, the headless CLI) may ask of the agent.
 * The Electron main process exposes a validated subset of this over IPC (desktop/src/main/ipc.ts).
 */
import type { SystemEvent, WindowInfo } from "./ports";

export type TrackerState = "signed_out" | "stopped" | "tracking" | "idle";

export type SignIn =
  | { server: string; code: string }
  | { server: string; email: string; password: string; totpCode?: string; workspaceId: string };

export interface StartOptions {
  projectId: string | null;
  taskId: string | null;
  note: string;
}

export interface TodayEntry {
  id: string;
  start: string;
  end: string | null;
  projectId: string | null;
  taskId: string | null;
  note: string;
}

/** An idle span waiting for the employee's decision (the headless agent applies the workspace policy). */
export interface PendingIdle {
  id: string;
  start: string;
  end: string;
}

export type IdleDecision = { decision: "keep" } | { decision: "discard" } | { decision: "reassign"; projectId: string; taskId: string | null };

export interface RecordedShot {
  shotId: string;
  takenAt: string;
  app: string | null;
  /**
   * The thumbnail's JPEG, kept in memory only for the last few shots of this run (nothing plain
   * ever touches disk), so the employee sees what was taken; null after a restart.
   */
  thumbnail: Uint8Array | null;
  uploaded: boolean;
}

export interface AgentStatus {
  state: TrackerState;
  workspaceName: string | null;
  memberName: string | null;
  /** Seconds tracked today (local day), including the running timer. */
  todaySeconds: number;
  running: { since: string; projectId: string | null; taskId: string | null; note: string } | null;
  current: WindowInfo | null;
  /** Items and screenshots recorded but not yet acknowledged by the server. */
  pendingUploads: number;
  online: boolean;
  lastSyncAt: string | null;
}

export interface ResourceUsage {
  /** Average CPU of one core over the last minute, in percent. */
  cpuPercent: number;
  rssBytes: number;
}

/** A project the member may record time on, with its open tasks (for the project/task picker). */
export interface ProjectChoice {
  id: string;
  name: string;
  clientName: string | null;
  tasks: { id: string; name: string }[];
}

/** What the workspace lets the employee do from this device (from the cached agent settings). */
export interface AgentPermissions {
  /** settings.screenshotDeletion === "allowed". */
  deleteScreenshots: boolean;
}

export interface AgentFacade {
  status(): AgentStatus;
  signIn(input: SignIn): Promise<void>;
  signOut(): Promise<void>;
  start(opts: StartOptions): Promise<void>;
  stop(): Promise<void>;
  today(): TodayEntry[];
  pendingIdle(): PendingIdle[];
  resolveIdle(id: string, decision: IdleDecision): Promise<void>;
  /** What was recorded recently, exactly as uploaded: apps/sites and screenshot metadata. */
  recent(): { usage: { app: string; title: string | null; url: string | null; start: string; end: string }[]; shots: RecordedShot[] };
  /** Where the workspace allows it; the server removes the slot's time (ADR 0007). */
  deleteScreenshot(shotId: string): Promise<void>;
  resources(): ResourceUsage;
  /** Called after every change of status (state, totals, sync). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Projects and tasks for the picker, from the cached settings. */
  projects(): ProjectChoice[];
  permissions(): AgentPermissions;
  /** suspend, lock-screen and shutdown stop the timer at the last active second; resume and unlock never restart it. */
  systemEvent(event: SystemEvent): Promise<void>;
  /** Uploads what is queued until nothing is left or `timeoutMs` passed; the rest waits in the encrypted queue. */
  flush(timeoutMs: number): Promise<{ pending: number }>;
  /** Stops the agent's timers and closes its files (after stop and flush, before the process exits). */
  close(): Promise<void>;
}
