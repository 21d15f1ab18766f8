/**
 * The preload bridge: the renderer's whole API (window.worktrail, preload/api.ts). It runs
 * sandboxed, so it is bundled into one CommonJS file that requires nothing but "electron".
 * It exposes functions, never ipcRenderer itself or an event object (which would hand the page a
 * way to send anything on any channel); main validates every payload again anyway.
 */
import { contextBridge, ipcRenderer } from "electron";
import { CHANGED_EVENT, INVOKE } from "../main/ipcChannels";
import type { WorktrailApi } from "./api";

const api: WorktrailApi = {
  snapshot: () => ipcRenderer.invoke(INVOKE.snapshot),
  recent: () => ipcRenderer.invoke(INVOKE.recent),
  signIn: (input) => ipcRenderer.invoke(INVOKE.signIn, input),
  signOut: () => ipcRenderer.invoke(INVOKE.signOut),
  start: (opts) => ipcRenderer.invoke(INVOKE.start, opts),
  stop: () => ipcRenderer.invoke(INVOKE.stop),
  resolveIdle: (id, decision) => ipcRenderer.invoke(INVOKE.resolveIdle, { id, decision }),
  deleteScreenshot: (shotId) => ipcRenderer.invoke(INVOKE.deleteScreenshot, { shotId }),
  setAutoLaunch: (enabled) => ipcRenderer.invoke(INVOKE.setAutoLaunch, { enabled }),
  onChange: (listener) => {
    const wrapped = () => listener();
    ipcRenderer.on(CHANGED_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(CHANGED_EVENT, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld("worktrail", api);
