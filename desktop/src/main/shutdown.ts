/**
 * What quitting does to the agent, in order: stop a running timer (its end is recorded durably),
 * upload what the queue holds for a few seconds, close. Each step runs even when an earlier one
 * failed, and the whole sequence has a hard deadline: a dead network or a stuck step must never
 * keep the app (or the OS shutting down) waiting, and nothing is lost by giving up, because every
 * record is already in the encrypted queue for the next start. Electron-free, tested in Node.
 */
import type { DesktopAgent } from "./facadeProposal";

export type ShutdownAgent = Pick<DesktopAgent, "status" | "stop" | "flush" | "close">;

export interface ShutdownOptions {
  flushTimeoutMs: number;
  hardDeadlineMs: number;
  log: (message: string) => void;
}

export interface ShutdownResult {
  /** Records left in the queue after the flush, null when unknown (flush failed or timed out). */
  pending: number | null;
  timedOut: boolean;
}

export async function shutdownAgent(agent: ShutdownAgent, opts: ShutdownOptions): Promise<ShutdownResult> {
  let pending: number | null = null;
  const steps = (async () => {
    const state = agent.status().state;
    if (state === "tracking" || state === "idle") {
      await agent.stop().catch((e: unknown) => opts.log(`stop on quit failed: ${String(e)}`));
    }
    pending = await agent.flush(opts.flushTimeoutMs).then(
      (r) => r.pending,
      (e: unknown) => {
        opts.log(`flush on quit failed: ${String(e)}`);
        return null;
      },
    );
    await agent.close().catch((e: unknown) => opts.log(`close on quit failed: ${String(e)}`));
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), opts.hardDeadlineMs);
  });
  const outcome = await Promise.race([steps.then(() => "done" as const), deadline]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    opts.log(`quit: gave up waiting for the agent after ${opts.hardDeadlineMs} ms; queued records upload at the next start`);
    return { pending: null, timedOut: true };
  }
  return { pending, timedOut: false };
}
