// What every agent run starts from: its own X display, its own server with the demo workspace,
// tracking settings the run needs, a one-time code for the employee, and an empty agent data dir.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createStack } from "./stack.mjs";
import { startX } from "./x11.mjs";

export async function setUpRun(name, { settings = {} } = {}) {
  const [x, stack] = await Promise.all([startX(), createStack(name)]);
  try {
    const demo = await stack.seedDemo();
    // The short test periods take a screenshot every few seconds; the workspace's default of one per
    // 10-minute slot would refuse the rest (409 slot_full). Three is the most the server allows.
    await stack.api.patchTrackingSettings(demo.ownerToken, demo.workspaceId, { screenshotsPerSlot: 3, ...settings });
    const code = await stack.api.issueCode(demo.employeeToken, demo.workspaceId);
    const dataDir = join(stack.persistDir, "..", "agent");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return { x, stack, demo, code, dataDir, async close() { await Promise.all([x.close(), stack.close()]); } };
  } catch (err) {
    await Promise.all([x.close(), stack.close()]);
    throw err;
  }
}

/** Appends the agent's and the server's last output to a failure, so a red run says which side broke. */
export async function explained(fn, { agents = [], stack }) {
  try {
    return await fn();
  } catch (err) {
    const parts = agents.filter(Boolean).map((a, i) => `--- agent ${i + 1} output (last lines) ---\n${a.output().trimEnd().split("\n").slice(-30).join("\n")}`);
    if (stack) parts.push(`--- wrangler dev (last lines) ---\n${stack.log(30)}`);
    err.message += `\n${parts.join("\n")}`;
    throw err;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whole seconds between two ISO instants (or epoch ms). */
export const seconds = (start, end) => Math.round((toMs(end) - toMs(start)) / 1000);
export const toMs = (t) => (typeof t === "number" ? t : Date.parse(t));

/** Ids only on one side, for messages that say which side has what. */
export function idDiff(agentIds, serverIds) {
  const a = new Set(agentIds);
  const s = new Set(serverIds);
  return { onlyAgent: [...a].filter((id) => !s.has(id)), onlyServer: [...s].filter((id) => !a.has(id)) };
}
