// CPU time used by the server side (wrangler's process group: its Node process, the dev proxy's
// workerd and the Worker's workerd) while a level runs, from /proc/<pid>/stat. It shows where the
// time goes, and it moves less than wall-clock figures when other work shares the machine.
import { readFileSync } from "node:fs";
import { processGroupMembers } from "./workerd-socket.mjs";

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after "(comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function comm(pid) {
  try { return readFileSync(`/proc/${pid}/comm`, "utf8").trim(); } catch { return "?"; }
}

/** CPU ms per role so far: "worker" (the Worker's workerd), "proxy" (other workerd), "wrangler" (the rest). */
export function serverCpu(pgid, workerPid) {
  const out = { worker: 0, proxy: 0, wrangler: 0 };
  if (process.platform !== "linux") return out;
  for (const pid of processGroupMembers(pgid)) {
    const role = pid === workerPid ? "worker" : comm(pid) === "workerd" ? "proxy" : "wrangler";
    out[role] += cpuMs(pid);
  }
  return out;
}

export function cpuDelta(before, after) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

/**
 * Waits until the server processes are nearly idle (under 10% of one core for half a second), so
 * that work left over from one level (queued log and DevTools traffic) is not billed to the next.
 */
export async function settle(cpu, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  const total = (c) => Object.values(c).reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    const before = total(cpu());
    await new Promise((r) => setTimeout(r, 500));
    if (total(cpu()) - before < 50) return;
  }
}
