/**
 * The IPC channel names shared by the preload bridge and the main process. Plain constants with no
 * imports: the sandboxed preload is bundled from this and Electron alone.
 */
export const INVOKE = {
  snapshot: "wt:snapshot",
  recent: "wt:recent",
  signIn: "wt:sign-in",
  signOut: "wt:sign-out",
  start: "wt:start",
  stop: "wt:stop",
  resolveIdle: "wt:resolve-idle",
  deleteScreenshot: "wt:delete-screenshot",
  setAutoLaunch: "wt:set-auto-launch",
} as const;

export type InvokeChannel = (typeof INVOKE)[keyof typeof INVOKE];

/** Main → renderer: "something changed, ask for a new snapshot" (no payload, nothing to validate). */
export const CHANGED_EVENT = "wt:changed";
