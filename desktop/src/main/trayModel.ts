/**
 * What the tray shows for a given agent status: icon state, tooltip (every platform), title (the
 * text beside the icon in the macOS menu bar) and the menu. Pure, so tray.ts only redraws when
 * `key` changes: at most once a minute while tracking, since totals are shown in whole minutes
 * (rebuilding a Linux tray menu every second costs a D-Bus round trip each time).
 */
import type { AgentStatus, TrackerState } from "../core/facade";
import { formatClock, formatDuration } from "../renderer/format";

export type TrayAction = "start" | "stop" | "open" | "quit" | "restart-to-update";

export type TrayItem =
  | { type: "label"; label: string }
  | { type: "action"; action: TrayAction; label: string; enabled: boolean }
  | { type: "separator" };

export interface TrayModel {
  key: string;
  state: TrackerState;
  tooltip: string;
  title: string;
  items: TrayItem[];
}

const STATE_LABEL: Record<TrackerState, string> = {
  signed_out: "Signed out",
  stopped: "Stopped",
  tracking: "Tracking",
  idle: "Idle",
};

export function trayModel(status: AgentStatus, updateReady: string | null): TrayModel {
  const state = status.state;
  const running = state === "tracking" || state === "idle";
  const today = state === "signed_out" ? "" : ` · today ${formatDuration(status.todaySeconds)}`;
  const waiting = state !== "signed_out" && !status.online && status.pendingUploads > 0 ? ` · offline, ${status.pendingUploads} waiting to upload` : "";
  const tooltip = `Worktrail — ${STATE_LABEL[state]}${today}${waiting}`;
  const title = running ? formatClock(status.todaySeconds) : "";

  const items: TrayItem[] = [{ type: "label", label: `${STATE_LABEL[state]}${today}` }];
  if (state === "signed_out") {
    items.push({ type: "action", action: "open", label: "Sign in…", enabled: true });
  } else {
    items.push(
      running
        ? { type: "action", action: "stop", label: "Stop timer", enabled: true }
        : { type: "action", action: "start", label: "Start timer", enabled: true },
      { type: "action", action: "open", label: "Open Worktrail", enabled: true },
    );
  }
  if (updateReady !== null) items.push({ type: "action", action: "restart-to-update", label: `Restart to update (${updateReady})`, enabled: true });
  items.push({ type: "separator" }, { type: "action", action: "quit", label: "Quit Worktrail", enabled: true });

  return { key: JSON.stringify([state, tooltip, title, updateReady]), state, tooltip, title, items };
}
