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

/**
 * A simulated agent: its own day (agent i tracks day D - 1 - i, from 08:00 UTC), so that agents
 * sharing a demo member never overlap each other's time entries, and one time entry that grows by
 * 10 minutes with every batch.
 */
export function newAgentTimeline(index, now = Date.now()) {
  const today = now - (now % DAY_MS);
  return { entryId: v7(), dayStartMs: today - (index + 1) * DAY_MS + 8 * 3600_000 };
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
