/**
 * The whole surface the renderer gets (window.worktrail), shared as types by the preload bridge,
 * the main process's IPC handlers and the renderer. Everything crossing it is plain data.
 */
import type { AgentStatus, IdleDecision, PendingIdle, ResourceUsage, SignIn, StartOptions, TodayEntry } from "../core/facade";
import type { AgentPermissions, ProjectChoice } from "../main/facadeProposal";

export type { AgentStatus, IdleDecision, PendingIdle, ProjectChoice, SignIn, StartOptions, TodayEntry };

export interface IpcError {
  /** invalid_input: the payload failed validation in main; forbidden: wrong sender; failed: the agent refused or failed. */
  code: "invalid_input" | "forbidden" | "failed";
  message: string;
}

/** Main never throws across IPC (Electron would wrap the message); every answer is one of these. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export interface ShellSettings {
  /** Start Worktrail (hidden, not tracking) when the user logs in. */
  autoLaunch: boolean;
  /** The server of the last successful sign-in, to prefill the form. */
  lastServer: string | null;
  /** What the tray's Start uses: the last project/task started from the window. */
  lastStart: StartOptions;
}

export interface ViewSnapshot {
  status: AgentStatus;
  today: TodayEntry[];
  pendingIdle: PendingIdle[];
  projects: ProjectChoice[];
  permissions: AgentPermissions;
  resources: {
    /** The agent core, measured by itself. */
    agent: ResourceUsage;
    /** Every Electron process of the app (main, renderer, GPU), from app.getAppMetrics(). */
    app: { cpuPercent: number; memoryBytes: number };
  };
  settings: ShellSettings;
  version: string;
  /** Version of a downloaded update waiting for a restart, if any. */
  updateReady: string | null;
}

export interface RecordedShotView {
  shotId: string;
  takenAt: string;
  app: string | null;
  /** data:image/jpeg;base64,… of the in-memory thumbnail; null after a restart. */
  thumbnail: string | null;
  uploaded: boolean;
}

export interface RecordedView {
  usage: { app: string; title: string | null; url: string | null; start: string; end: string }[];
  shots: RecordedShotView[];
}

export interface WorktrailApi {
  snapshot(): Promise<IpcResult<ViewSnapshot>>;
  recent(): Promise<IpcResult<RecordedView>>;
  signIn(input: SignIn): Promise<IpcResult<null>>;
  signOut(): Promise<IpcResult<null>>;
  start(opts: StartOptions): Promise<IpcResult<null>>;
  stop(): Promise<IpcResult<null>>;
  resolveIdle(id: string, decision: IdleDecision): Promise<IpcResult<null>>;
  deleteScreenshot(shotId: string): Promise<IpcResult<null>>;
  setAutoLaunch(enabled: boolean): Promise<IpcResult<null>>;
  /** Called when the agent's status changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}
