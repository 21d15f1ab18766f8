// One simulated agent's 10 minutes, as the desktop agent uploads them (compare
// test/tracking-api/batches.test.ts): its running time entry re-sent with rev + 1 and a later end,
// the 10-minute activity slot, and 30 app/site usage spans of 20 seconds each.
import { v7 } from "uuid";

export const SLOT_MS = 10 * 60_000;
export const USAGE_PER_BATCH = 30;
/** 1 time entry + 1 slot + the usage spans. */
export const ITEMS_PER_BATCH = 2 + USAGE_PER_BATCH;

const DAY_MS = 24 * 3600_000;
const APPS = ["Code", "Firefox", "Slack", "Terminal", "Figma"];

/** Long enough for the most rounds an agent may send (58 + 1 warm-up, 10 minutes each). */
const WINDOW_MS = 11 * 3600_000;

/**
 * A simulated agent's time: the 11-hour window number `window` before yesterday 00:00 UTC, and one
 * time entry that grows by 10 minutes with every batch. Agents of the same member get different
 * windows (agents.mjs), so they never overlap each other's entries. The server refuses items older
 * than 60 days (docs/agent-protocol.md): about 130 windows, i.e. 130 agents per member and run.
 */
export function newAgentTimeline(window, now = Date.now()) {
  const today = now - (now % DAY_MS);
  return { entryId: v7(), dayStartMs: today - DAY_MS - window * WINDOW_MS };
}

/** The batch of round `round` (0-based) for an agent's timeline. */
export function tenMinuteBatch(timeline, round) {
  const slotStart = timeline.dayStartMs + round * SLOT_MS;
  const spanMs = SLOT_MS / USAGE_PER_BATCH;
  const iso = (ms) => new Date(ms).toISOString();
  const usage = Array.from({ length: USAGE_PER_BATCH }, (_, i) => {
    const app = APPS[i % APPS.length];
    return {
      kind: "usage", id: v7(), app, title: `${app} — document ${round}.${i}`,
      // Query and fragment are there so the server's URL reduction does its real work.
      url: app === "Firefox" ? `https://docs.example.com/guide/${round}/${i}?utm_source=bench#top` : null,
      start: iso(slotStart + i * spanMs), end: iso(slotStart + (i + 1) * spanMs),
    };
  });
  return {
    sentAt: iso(Date.now()),
    items: [
      {
        kind: "time_entry", id: timeline.entryId, rev: round + 1, start: iso(timeline.dayStartMs),
        end: iso(slotStart + SLOT_MS), projectId: null, note: "Benchmark", source: "desktop",
      },
      { kind: "slot", id: v7(), rev: 1, slotStart: iso(slotStart), trackedSeconds: 600, activeSeconds: 300 + ((round * 37) % 300) },
      ...usage,
    ],
  };
}
