/**
 * The renderer's only door to the agent. Handlers are registered on the window's own webContents
 * (so no other web contents can reach them), and each call passes ipcDispatch.ts: the sender must
 * be the top frame of that window showing our app:// page, and the payload must parse with its
 * ipcSchemas.ts schema. Answers are plain data (IpcResult), never exceptions.
 */
import { app, type IpcMainInvokeEvent } from "electron";
import type { z } from "zod";
import type { RecordedView, ViewSnapshot } from "../preload/api";
import type { DesktopAgent } from "./facadeProposal";
import type { AutoUpdates } from "./autoUpdate";
import { INVOKE, type InvokeChannel } from "./ipcChannels";
import { dispatch, type SenderFacts } from "./ipcDispatch";
import { IPC_INPUTS } from "./ipcSchemas";
import type { ShellSettingsStore } from "./shellSettings";
import type { MainWindow } from "./window";

export interface IpcDeps {
  window: MainWindow;
  agent: DesktopAgent;
  settings: ShellSettingsStore;
  updates: AutoUpdates;
  applyAutoLaunch: (enabled: boolean) => Promise<void>;
}

function senderFacts(event: IpcMainInvokeEvent, window: MainWindow): SenderFacts {
  const frame = event.senderFrame;
  return {
    senderId: event.sender.id,
    windowId: window.win.isDestroyed() ? null : window.win.webContents.id,
    frame: frame ? { url: frame.url, isTopFrame: frame.parent === null } : null,
  };
}

/** CPU and memory of every Electron process of the app (main, renderer, GPU, utilities). */
function appMetrics(): ViewSnapshot["resources"]["app"] {
  let cpuPercent = 0;
  let memoryBytes = 0;
  for (const m of app.getAppMetrics()) {
    cpuPercent += m.cpu.percentCPUUsage;
    memoryBytes += m.memory.workingSetSize * 1024; // reported in KB
  }
  return { cpuPercent, memoryBytes };
}

export function registerIpc(deps: IpcDeps): void {
  const { window, agent, settings } = deps;
  const ipc = window.win.webContents.ipc;

  // Each call names its channel's schema from IPC_INPUTS, so the handler's input type is the schema's output.
  const handle = <T, R>(channel: InvokeChannel, schema: z.ZodType<T>, fn: (input: T) => R | Promise<R>) => {
    ipc.handle(channel, (event, payload: unknown) => dispatch(senderFacts(event, window), schema, payload, fn));
  };

  handle(INVOKE.snapshot, IPC_INPUTS[INVOKE.snapshot], (): ViewSnapshot => ({
    status: agent.status(),
    today: agent.today(),
    pendingIdle: agent.pendingIdle(),
    projects: agent.projects(),
    permissions: agent.permissions(),
    resources: { agent: agent.resources(), app: appMetrics() },
    settings: settings.get(),
    version: app.getVersion(),
    updateReady: deps.updates.readyVersion(),
  }));

  handle(INVOKE.recent, IPC_INPUTS[INVOKE.recent], (): RecordedView => {
    const { usage, shots } = agent.recent();
    return {
      usage,
      shots: shots.map((s) => ({
        shotId: s.shotId,
        takenAt: s.takenAt,
        app: s.app,
        // The thumbnail exists in memory only; a data: URL is what the page's CSP lets it show.
        thumbnail: s.thumbnail ? `data:image/jpeg;base64,${Buffer.from(s.thumbnail).toString("base64")}` : null,
        uploaded: s.uploaded,
      })),
    };
  });

  handle(INVOKE.signIn, IPC_INPUTS[INVOKE.signIn], async (input) => {
    await agent.signIn(input);
    await settings.update({ lastServer: input.server });
    return null;
  });
  handle(INVOKE.signOut, IPC_INPUTS[INVOKE.signOut], async () => {
    await agent.signOut();
    return null;
  });
  handle(INVOKE.start, IPC_INPUTS[INVOKE.start], async (input) => {
    await agent.start(input);
    await settings.update({ lastStart: input });
    return null;
  });
  handle(INVOKE.stop, IPC_INPUTS[INVOKE.stop], async () => {
    await agent.stop();
    return null;
  });
  handle(INVOKE.resolveIdle, IPC_INPUTS[INVOKE.resolveIdle], async ({ id, decision }) => {
    await agent.resolveIdle(id, decision);
    return null;
  });
  handle(INVOKE.deleteScreenshot, IPC_INPUTS[INVOKE.deleteScreenshot], async ({ shotId }) => {
    if (!agent.permissions().deleteScreenshots) throw new Error("Your workspace does not allow deleting screenshots.");
    await agent.deleteScreenshot(shotId);
    return null;
  });
  handle(INVOKE.setAutoLaunch, IPC_INPUTS[INVOKE.setAutoLaunch], async ({ enabled }) => {
    await deps.applyAutoLaunch(enabled);
    await settings.update({ autoLaunch: enabled });
    return null;
  });
}
