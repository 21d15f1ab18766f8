/**
 * Forwards the OS's power and session events (ports.ts SystemEvent) to the agent one at a time, in
 * the order they happened: "lock-screen" then "suspend" a few milliseconds apart must reach the
 * tracker in that order, and a failing event must not block the ones after it.
 * Electron-free: main.ts subscribes to powerMonitor and calls the returned function.
 */
import type { SystemEvent } from "../core/ports";
import type { DesktopAgent } from "./facadeProposal";

export function systemEventForwarder(agent: Pick<DesktopAgent, "systemEvent">, log: (message: string) => void): (event: SystemEvent) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return (event) => {
    chain = chain.then(() => agent.systemEvent(event)).catch((e: unknown) => log(`system event ${event} failed: ${String(e)}`));
    return chain;
  };
}
