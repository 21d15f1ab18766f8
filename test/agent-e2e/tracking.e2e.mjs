// Issue 4 §4, first run: the headless agent signs in with a one-time code, tracks two real xterm
// windows under Xvfb while the focus moves between them with mouse input, and stops on SIGTERM.
// Then the server (API, and its store where the API does not show ids or titles) must hold what the
// agent says it recorded: the entry, the 10-minute slots, the app spans and decryptable screenshots.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentStatus, FAILURE_EVENTS, startAgent } from "./lib/agent.mjs";
import { isJpeg } from "./lib/api.mjs";
import { readServerStore } from "./lib/serverStore.mjs";
import { explained, idDiff, seconds, setUpRun, sleep, toMs } from "./lib/session.mjs";

const TITLES = ["Alpha report (e2e)", "Beta budget (e2e)"];
const SWITCHES = 6;
const FOCUS_MS = 7500; // 6 × 7.5 s ≈ 45 s of tracking

describe("headless agent: tracking under Xvfb against wrangler dev", () => {
  let run, agent, appClass, trackingAt, stopAt, exit, record, api, store;
  const focus = []; // { title, start, end } in test-clock ms

  before(async () => {
    run = await setUpRun("tracking");
    const { x, stack, demo } = run;
    const windows = [];
    for (const title of TITLES) windows.push({ title, wid: await x.openWindow(title) });
    appClass = await x.windowClass(windows[0].wid);
    await x.focus(windows[0].wid);
    x.startInput();

    agent = startAgent({ server: stack.baseUrl, dataDir: run.dataDir, display: x.display, code: run.code });
    await explained(async () => {
      await agent.waitFor((e) => e.event === "signed_in", { timeoutMs: 60_000, what: "signed_in" });
      trackingAt = (await agent.waitFor((e) => e.event === "tracking", { timeoutMs: 30_000, what: "tracking" })).receivedAt;
      for (let i = 0; i < SWITCHES; i++) {
        const w = windows[i % windows.length];
        if (i > 0) await x.focus(w.wid);
        const start = Date.now();
        await sleep(FOCUS_MS);
        focus.push({ title: w.title, start, end: Date.now() });
      }
      stopAt = Date.now();
      exit = await agent.stop();
      x.stopInput();
      record = await agentStatus(run.dataDir);
      const to = Date.now() + 60_000;
      const [day, shots] = await Promise.all([
        stack.api.memberDays(demo.ownerToken, demo.workspaceId, demo.employee, trackingAt - 60_000, to),
        stack.api.screenshots(demo.ownerToken, demo.workspaceId, demo.employee.id, trackingAt - 60_000, to),
      ]);
      const images = await Promise.all(shots.map((s) => stack.api.screenshotImage(demo.ownerToken, demo.workspaceId, s.id)));
      api = { day, shots, images };
      await stack.stop();
      store = await readServerStore(stack.persistDir, demo.employee.id);
    }, { agents: [agent], stack });
  });

  after(async () => {
    if (agent) await agent.kill9();
    await run?.close();
  });

  const check = (fn) => () => explained(fn, { agents: [agent], stack: run?.stack });

  it("signs in with the code, tracks at once, stops on SIGTERM with everything uploaded", check(async () => {
    assert.deepEqual(exit, { code: 0, signal: null }, "exit status after SIGTERM");
    // The agent may report its initial "stopped" state before signing in; the one that counts is the last.
    const order = ["signed_in", "tracking", "stopped"].map((name) => agent.events.findLastIndex((e) => e.event === name));
    assert.ok(order.every((i) => i >= 0) && order[0] < order[1] && order[1] < order[2], `signed_in, tracking, stopped in that order: ${JSON.stringify(agent.events.map((e) => e.event))}`);
    const failures = agent.events.filter((e) => FAILURE_EVENTS.includes(e.event));
    assert.deepEqual(failures, [], "no error, rejected or failed events");
    assert.equal(record.pendingUploads, 0, "agent: nothing left to upload after the stop");
  }));

  it("the member's day has the agent's entry, with the agent's own total (±2 s)", check(async () => {
    assert.equal(record.entries.length, 1, `agent recorded one entry: ${JSON.stringify(record.entries)}`);
    const mine = record.entries[0];
    assert.ok(mine.end, "agent: the entry is closed after the stop");
    // The timer ends at the last active second before SIGTERM.
    assert.ok(toMs(mine.end) <= stopAt + 1000 && toMs(mine.end) >= stopAt - 3000, `agent: end ${mine.end} is the stop (${new Date(stopAt).toISOString()})`);
    const tracked = (stopAt - trackingAt) / 1000;
    assert.ok(Math.abs(record.todaySeconds - tracked) <= 4, `agent: todaySeconds ${record.todaySeconds} ≈ ${tracked.toFixed(1)} s between "tracking" and SIGTERM`);

    assert.deepEqual(api.day.entries.map((e) => e.id), [mine.id], "server (API day): exactly the agent's entry");
    assert.deepEqual(store.entries.map((e) => e.id), [mine.id], "server (store): exactly the agent's entry");
    assert.ok(Math.abs(seconds(store.entries[0].start_ms, store.entries[0].end_ms) - seconds(mine.start, mine.end)) <= 1, "server (store) entry seconds vs agent (±1 s clock-offset rounding)");
    const server = api.day.entries[0];
    assert.equal(server.source, "desktop");
    assert.ok(server.end, "server: the entry is closed");
    assert.ok(Math.abs(server.durationSeconds - record.todaySeconds) <= 2,
      `server durationSeconds ${server.durationSeconds} vs agent todaySeconds ${record.todaySeconds}`);
  }));

  it("10-minute slots: the agent's slot ids and seconds are the server's", check(async () => {
    const diff = idDiff(record.slots.map((s) => s.id), store.slots.map((s) => s.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "slot ids (agent vs server store)");
    for (const mine of record.slots) {
      const server = store.slots.find((s) => s.id === mine.id);
      assert.deepEqual([server.tracked_s, server.active_s], [mine.trackedSeconds, mine.activeSeconds], `slot ${mine.slotStart}: server [tracked, active] vs agent`);
    }
    const apiTracked = api.day.slots.reduce((s, x) => s + x.trackedSeconds, 0);
    const entrySeconds = seconds(record.entries[0].start, record.entries[0].end);
    assert.ok(apiTracked > 0, `server (API day) slots: ${JSON.stringify(api.day.slots)}`);
    assert.ok(Math.abs(apiTracked - entrySeconds) <= 2, `slot tracked seconds ${apiTracked} (API) vs entry seconds ${entrySeconds} (agent)`);
  }));

  it("the mouse moved all along: (nearly) every tracked second is active", check(async () => {
    // The mouse moved every 0.4 s, so every second had input; allow a little for the edges.
    const tracked = record.slots.reduce((s, x) => s + x.trackedSeconds, 0);
    const active = record.slots.reduce((s, x) => s + x.activeSeconds, 0);
    assert.ok(active >= 0.8 * tracked, `agent: ${active} active of ${tracked} tracked seconds (slots ${JSON.stringify(record.slots)})`);
    const apiActive = api.day.slots.reduce((s, x) => s + x.activeSeconds, 0);
    assert.equal(apiActive, active, "server (API day) active seconds vs agent");
  }));

  it("app spans for both window titles, app = the xterm's WM_CLASS, matching the focus", check(async () => {
    assert.equal(appClass, "XTerm");
    const diff = idDiff(record.usage.map((u) => u.id), store.usage.map((u) => u.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "usage ids (agent vs server store)");
    for (const title of TITLES) {
      assert.ok(store.usage.some((u) => u.title === title && u.app === appClass), `server: a span "${title}" of ${appClass}; has ${JSON.stringify(store.usage.map((u) => [u.app, u.title]))}`);
    }
    // Each span names the window that had focus in its middle (sampling is per second).
    for (const u of store.usage) {
      const mid = (u.start_ms + u.end_ms) / 2;
      const f = focus.find((f) => mid >= f.start && mid < f.end);
      if (f) assert.equal(u.title, f.title, `span ${new Date(u.start_ms).toISOString()}–${new Date(u.end_ms).toISOString()}`);
    }
    const spanSeconds = store.usage.reduce((s, u) => s + (u.end_ms - u.start_ms) / 1000, 0);
    const entrySeconds = seconds(record.entries[0].start, record.entries[0].end);
    assert.ok(spanSeconds >= entrySeconds - 5, `app spans cover the tracked time: ${spanSeconds.toFixed(0)} of ${entrySeconds} s`);
    const apiApp = api.day.apps.find((a) => a.app === appClass);
    assert.ok(apiApp && apiApp.seconds > 0, `server (API day) apps: ${JSON.stringify(api.day.apps)}`);
  }));

  it("screenshots: the same shots on both sides, decrypted by the Worker as JPEG", check(async () => {
    assert.ok(api.shots.length >= 1, "server (API): at least one screenshot");
    assert.ok(agent.events.some((e) => e.event === "screenshot"), "agent printed a screenshot event");
    const diff = idDiff(record.shots.map((s) => s.shotId), api.shots.map((s) => s.id));
    assert.deepEqual(diff, { onlyAgent: [], onlyServer: [] }, "screenshot ids (agent vs server API)");
    api.images.forEach((img, i) => {
      assert.equal(img.contentType, "image/jpeg", `shot ${api.shots[i].id} content type`);
      assert.ok(isJpeg(img.bytes), `shot ${api.shots[i].id}: the Worker's decrypted bytes are a JPEG (${img.bytes.length} bytes)`);
      assert.ok(img.bytes.length > 1000, "not an empty image");
    });
    for (const s of api.shots) assert.equal(s.app, appClass, `shot ${s.id} app`);
  }));
});
