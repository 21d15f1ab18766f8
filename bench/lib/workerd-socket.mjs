// Finds the socket on which workerd itself serves the Worker under `wrangler dev`.
//
// wrangler dev runs two workerd processes: the one the URL points at is wrangler's dev proxy (it
// holds requests while the Worker reloads and forwards everything to the second), and the second
// runs the Worker, on a random loopback port that wrangler does not print. The benchmark measures
// both paths, so that the proxy's cost (a development tool, absent in production) is visible.
// Linux only: reads /proc. Returns null when it cannot tell.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export function processGroupMembers(pgid) {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after "(comm)": state ppid pgrp ...; comm may contain spaces, so split after ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch { /* the process ended meanwhile */ }
  }
  return pids;
}

function socketInodes(pid) {
  const inodes = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch { /* fd closed meanwhile */ }
    }
  } catch { /* process gone */ }
  return inodes;
}

/** Loopback TCP ports in LISTEN state (st 0A) whose socket inode is in `inodes`. */
function listeningPorts(inodes) {
  const ports = [];
  const lines = readFileSync("/proc/net/tcp", "utf8").trim().split("\n").slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    const [, local, , st, , , , , , inode] = f;
    if (st !== "0A" || !inodes.has(inode)) continue;
    const [addrHex, portHex] = local.split(":");
    if (addrHex === "0100007F") ports.push(parseInt(portHex, 16));
  }
  return ports;
}

/**
 * The Worker's own workerd: its base URL and pid. Among the loopback ports of the workerd processes
 * in wrangler's process group, other than `proxyPort`, the one whose /api/health answers.
 */
export async function findWorkerdEntry(pgid, proxyPort) {
  if (process.platform !== "linux") return null;
  for (const pid of processGroupMembers(pgid)) {
    let cmdline = "";
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8"); } catch { continue; }
    if (!cmdline.includes("workerd")) continue;
    for (const port of listeningPorts(socketInodes(pid))) {
      if (port === proxyPort) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
        const body = await res.json().catch(() => null);
        if (res.ok && body?.ok === true) return { url: `http://127.0.0.1:${port}`, pid };
      } catch { /* not an HTTP socket of the Worker */ }
    }
  }
  return null;
}
