// Issue 4 §4, fault run: the server goes away mid-session, the agent keeps tracking offline, is
// killed with SIGKILL and started again (same data dir, no code), and the server comes back on the
// same port with the same data. Afterwards every entry, slot and app span in the agent's own record
// must be on the server exactly once (same ids, same seconds, nothing extra), and the crash may
// cost at most 2 seconds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentStatus, FAILURE_EVENTS, startAgent } from "./lib/agent.mjs";
import { readServerStore } from "./lib/serverStore.mjs";
import { explained, idDiff, seconds, setUpRun, sleep, toMs } from "./lib/session.mjs";

const ONLINE_MS = 15_000;
const OFFLINE_MS = 20_000;
const AFTER_RESTART_MS = 10_000;
/**
 * Test-only tuning on top of TEST_TUNING: the running entry is written every second, so the crash
 * can only cost the second in progress; one screenshot per agent process, so the three-per-slot
 * limit never refuses one and the shot taken offline has to travel through the queue.
 */
const TUNING = { entryEveryMs: 1000, firstScreenshotAfterMs: 4000, screenshotEveryMs: 600_000 };

/** `synced` with nothing left in the queue. */
const syncedEmpty = (e) => e.event === "synced" && e.pending === 0;

describe("headless agent: server outage, crash and restart", () => {
  let run, first, second, killAt, pendingAfterKill, exit, record, apiDay, apiShots, store;
  const marks = {};

  before(async () => {
    run = await setUpRun("fault");
    const { x, stack, demo } = run;
    const a = await x.openWindow("Fault online (e2e)");
    const b = await x.openWindow("Fault offline (e2e)");
    await x.focus(a);
    x.startInput();

    first = startAgent({ server: stack.baseUrl, dataDir: run.dataDir, display: x.display, code: run.code, tuning: TUNING });
    await explained(async () => {
      marks.tracking = (await first.waitFor((e) => e.event === "tracking", { timeoutMs: 60_000, what: "tracking" })).receivedAt;
      await first.waitFor((e) => e.event === "synced", { timeoutMs: ONLINE_MS, what: "a first upload while online" });
      await sleep(Math.max(0, marks.tracking + ONLINE_MS - Date.now()));

      // Outage: the Worker stops; the agent keeps tracking (focus moves once) and queues.
      marks.down = Date.now();
      const seen = first.events.length;
      await stack.stop();
      await first.waitFor((e) => e.event === "offline", { from: seen, timeoutMs: 15_000, what: "offline after the server stopped" });
      await x.focus(b);
      await sleep(Math.max(0, marks.down + OFFLINE_MS - Date.now()));

      // Crash while offline, then the restart (no code: the device token is in the data dir).
      killAt = Date.now();
      await first.kill9();
      pendingAfterKill = (await agentStatus(run.dataDir)).pendingUploads;
      second = startAgent({ server: stack.baseUrl, dataDir: run.dataDir, display: x.display, tuning: TUNING });
      marks.restart = (await second.waitFor((e) => e.event === "tracking", { timeoutMs: 60_000, what: "tracking after the restart" })).receivedAt;
      await second.waitFor((e) => e.event === "offline", { timeoutMs: 15_000, what: "offline after the restart (server still down)" });
      await x.focus(a);
      await sleep(Math.max(0, marks.restart + AFTER_RESTART_MS - Date.now()));

      // The server returns with the same data on the same port; the agent must catch up by itself.
      const seenBeforeUp = second.events.length;
      await stack.start();
      marks.up = Date.now();
      await second.waitFor(syncedEmpty, { from: seenBeforeUp, timeoutMs: 60_000, what: "synced with 0 pending after the server returned" });
      marks.stop = Date.now();
      exit = await second.stop();
      x.stopInput();
      record = await agentStatus(run.dataDir);
      const from = marks.tracking - 60_000;
      const to = Date.now() + 60_000;
      apiDay = await stack.api.memberDays(demo.ownerToken, demo.workspaceId, demo.employee, from, to);
      apiShots = await stack.api.screenshots(demo.ownerToken, demo.workspaceId, demo.employee.id, from, to);
      await stack.stop();
      store = await readServerStore(stack.persistDir, demo.employee.id);
    }, { agents: [first, second], stack });
  });

  after(async () => {
    await first?.kill9();
    await second?.kill9();
    await run?.close();
  });

  const check = (fn) => (t) => explained(() => fn(t), { agents: [first, second], stack: run?.stack });
  const liveEntries = () => store.entries.filter((e) => e.deleted_at === null);

  it("reports offline, queues while the server is away, restarts without a code, syncs, exits 0", check(async (t) => {
    const rel = (ms) => `${((ms - marks.tracking) / 1000).toFixed(1)} s`;
    t.diagnostic(`server down at ${rel(marks.down)}, killed at ${rel(killAt)}, tracking again at ${rel(marks.restart)}, server back at ${rel(marks.up)}, synced at ${rel(marks.stop)}`);
    const offline = first.events.filter((e) => e.event === "offline" && e.receivedAt >= marks.down && e.receivedAt < killAt);
    assert.ok(offline.length >= 2, `agent: offline reported during the outage: ${JSON.stringify(offline)}`);
    assert.ok(offline.at(-1).pending > offline[0].pending, `agent: the queue grows while offline (${offline.map((e) => e.pending).join(" → ")})`);
    assert.ok(pendingAfterKill > 0, `agent: the queue held unsent records after the crash (pendingUploads ${pendingAfterKill})`);
    assert.ok(second.events.some((e) => e.event === "tracking"), "restarted without --code: the device token from the data dir");
    const failures = [...first.events, ...second.events].filter((e) => FAILURE_EVENTS.includes(e.event));
    assert.deepEqual(failures, [], "no error, rejected or failed events");
    assert.deepEqual(exit, { code: 0, signal: null }, "exit status after SIGTERM");
    assert.equal(record.pendingUploads, 0, "agent: nothing left to upload");
    assert.ok(record.entries.length >= 2, `agent: the entry cut by the crash and the one after the restart: ${JSON.stringify(record.entries)}`);
  }));

  it("every entry exactly once on the server, with the same seconds (±1 s clock-offset rounding)", check(async () => {
    const diff = idDiff(record.entries.map((e) => e.id), liveEntries().map((e) => e.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "entry ids (agent vs server store)");
    assert.deepEqual(apiDay.entries.map((e) => e.id).sort(), record.entries.map((e) => e.id).sort(), "entry ids (agent vs API day)");
    for (const mine of record.entries) {
      assert.ok(mine.end, `agent: entry ${mine.id} is closed`);
      const server = store.entries.find((e) => e.id === mine.id);
      // The server shifts each upload by the clock offset it measured (a few ms here), so whole
      // seconds may round one apart; anything more is a lost or doubled second.
      const [a, s] = [seconds(mine.start, mine.end), seconds(server.start_ms, server.end_ms)];
      assert.ok(Math.abs(a - s) <= 1, `entry ${mine.id}: agent ${a} s, server ${s} s`);
    }
    const sorted = liveEntries().sort((p, q) => p.start_ms - q.start_ms);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].start_ms >= sorted[i - 1].end_ms, "server entries do not overlap (no second counted twice)");
  }));

  it("every slot exactly once, tracked seconds summing to the same total", check(async () => {
    const diff = idDiff(record.slots.map((s) => s.id), store.slots.map((s) => s.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "slot ids (agent vs server store)");
    for (const mine of record.slots) {
      const server = store.slots.find((s) => s.id === mine.id);
      assert.deepEqual([server.tracked_s, server.active_s], [mine.trackedSeconds, mine.activeSeconds], `slot ${mine.slotStart}: server [tracked, active] vs agent`);
    }
    const agentTracked = record.slots.reduce((s, x) => s + x.trackedSeconds, 0);
    const serverTracked = store.slots.reduce((s, x) => s + x.tracked_s, 0);
    assert.equal(serverTracked, agentTracked, "sum of slot tracked seconds");
    assert.equal(apiDay.slots.reduce((s, x) => s + x.trackedSeconds, 0), agentTracked, "sum of slot tracked seconds (API day)");
    const entrySeconds = record.entries.reduce((s, e) => s + seconds(e.start, e.end), 0);
    assert.ok(Math.abs(agentTracked - entrySeconds) <= record.entries.length + 1, `slots count the entries' seconds: ${agentTracked} vs ${entrySeconds}`);
  }));

  it("every app span exactly once, same titles and times", check(async () => {
    const diff = idDiff(record.usage.map((u) => u.id), store.usage.map((u) => u.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "usage ids (agent vs server store)");
    for (const mine of record.usage) {
      const server = store.usage.find((u) => u.id === mine.id);
      assert.equal(server.title ?? null, mine.title ?? null, `span ${mine.id} title`);
      assert.ok(Math.abs(seconds(mine.start, mine.end) - seconds(server.start_ms, server.end_ms)) <= 1, `span ${mine.id} seconds`);
    }
    for (const title of ["Fault online (e2e)", "Fault offline (e2e)"]) {
      assert.ok(store.usage.some((u) => u.title === title), `server: a span "${title}" (recorded ${title.includes("offline") ? "offline" : "online"})`);
    }
  }));

  it("the crash costs at most 2 seconds, and the shot taken offline arrives", check(async () => {
    const before = record.entries.filter((e) => toMs(e.start) < killAt).sort((p, q) => toMs(p.start) - toMs(q.start)).at(-1);
    assert.ok(before, "agent: an entry running at the crash");
    const lost = (killAt - toMs(before.end)) / 1000;
    assert.ok(lost <= 2 && lost >= -1, `agent: entry ended ${before.end}, killed at ${new Date(killAt).toISOString()}: ${lost.toFixed(1)} s lost`);
    const server = store.entries.find((e) => e.id === before.id);
    const serverLost = (killAt - server.end_ms) / 1000;
    assert.ok(serverLost <= 2, `server: the crashed entry ends ${serverLost.toFixed(1)} s before the kill`);
    const after = record.entries.filter((e) => toMs(e.start) >= killAt);
    assert.ok(after.length >= 1 && toMs(after[0].start) >= killAt, "agent: a new entry after the restart, none reaching back before the crash");

    const diff = idDiff(record.shots.map((s) => s.shotId), apiShots.map((s) => s.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "screenshot ids (agent vs server API)");
    assert.ok(apiShots.some((s) => s.takenAt >= marks.down && s.takenAt < marks.up), "server: the screenshot taken while offline was uploaded later");
  }));
});
