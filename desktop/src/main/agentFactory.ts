/**
 * Where the Electron shell obtains its agent: the core's createAgent with the Electron collectors,
 * the safeStorage key and the idle prompt (the window asks the employee).
 */
import { createAgent } from "../core/agent";
import type { KeyStore } from "../core/ports";
import { electronCollectors } from "./electronCollectors";
import type { DesktopAgent } from "./facadeProposal";

export interface DesktopAgentDeps {
  /** Electron's userData directory: the encrypted queue and the settings cache live under it. */
  dataDir: string;
  /** The queue's key, kept in the OS keychain through safeStorage (safeStorageKeyStore.ts). */
  keyStore: KeyStore;
  /** Sent with POST /api/v1/agent/register. */
  device: { name: string; os: string; agentVersion: string };
  /** Seconds since the last input, system-wide (Electron's powerMonitor.getSystemIdleTime). */
  systemIdleSeconds: () => number;
}

export async function createDesktopAgent(deps: DesktopAgentDeps): Promise<DesktopAgent> {
  const agent = await createAgent({
    dataDir: deps.dataDir, keyStore: deps.keyStore, device: deps.device, idlePrompt: true,
    collectors: electronCollectors(deps.systemIdleSeconds),
  });
  agent.run();
  return agent;
}
