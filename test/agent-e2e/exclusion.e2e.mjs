// Issue 4 §4, exclusion run: the owner excludes the title keyword "SECRET" and the app "Payroll"
// before the agent starts. A window titled "SECRET payroll" and an app of class Payroll each hold
// the focus over screenshot moments. Neither may appear in what the agent records or the server
// stores, and no screenshot may be taken while either is focused (the agent says it skipped).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentStatus, FAILURE_EVENTS, startAgent } from "./lib/agent.mjs";
import { readServerStore } from "./lib/serverStore.mjs";
import { explained, setUpRun, sleep, toMs } from "./lib/session.mjs";

const EXCLUSIONS = { titleKeywords: ["SECRET"], apps: ["Payroll"], domains: [] };
/**
 * Test-only tuning: a screenshot moment every 6 s from 4 s after tracking starts (4, 10, 16, …),
 * so each excluded stretch below covers two moments, at least 2 s away from any focus change.
 */
const TUNING = { firstScreenshotAfterMs: 4000, screenshotEveryMs: 6000 };
/** [window key, from ms after "tracking"]; the last stretch ends with the stop. */
const PLAN = [["work", 0], ["secretTitle", 7000], ["work", 19_000], ["payrollApp", 25_000], ["work", 37_000]];
const STOP_AFTER_MS = 42_000;

describe("headless agent: exclusions are never recorded or photographed", () => {
  let run, agent, t0, record, shots, store;
  const stretches = []; // { key, start, end } while that window certainly had the focus

  before(async () => {
    run = await setUpRun("exclusion", { settings: { exclusions: EXCLUSIONS } });
    const { x, stack, demo } = run;
    const windows = {
      work: await x.openWindow("Quarterly notes (e2e)"),
      secretTitle: await x.openWindow("SECRET payroll"),
      payrollApp: await x.openWindow("Ledger 2026", { appClass: "Payroll" }),
    };
    await x.focus(windows.work);
    x.startInput();

    agent = startAgent({ server: stack.baseUrl, dataDir: run.dataDir, display: x.display, code: run.code, tuning: TUNING });
    await explained(async () => {
      t0 = (await agent.waitFor((e) => e.event === "tracking", { timeoutMs: 60_000, what: "tracking" })).receivedAt;
      for (const [i, [key, at]] of PLAN.entries()) {
        await sleep(Math.max(0, t0 + at - Date.now()));
        if (i > 0) await x.focus(windows[key]);
        const start = Date.now();
        await sleep(Math.max(0, t0 + (PLAN[i + 1]?.[1] ?? STOP_AFTER_MS) - Date.now()));
        stretches.push({ key, start, end: Date.now() });
      }
      await agent.stop();
      x.stopInput();
      record = await agentStatus(run.dataDir);
      shots = await stack.api.screenshots(demo.ownerToken, demo.workspaceId, demo.employee.id, t0 - 60_000, Date.now() + 60_000);
      await stack.stop();
      store = await readServerStore(stack.persistDir, demo.employee.id);
    }, { agents: [agent], stack });
  });

  after(async () => {
    await agent?.kill9();
    await run?.close();
  });

  const check = (fn) => () => explained(fn, { agents: [agent], stack: run?.stack });
  const excluded = () => stretches.filter((s) => s.key !== "work");
  const isExcludedSpan = (u) => /secret/i.test(u.title ?? "") || u.app.toLowerCase() === "payroll";
  const iso = (ms) => new Date(ms).toISOString();

  it("the agent records nothing of the excluded windows (privacy at the source)", check(async () => {
    assert.equal(record.pendingUploads, 0, "agent: everything uploaded");
    assert.deepEqual(agent.events.filter((e) => FAILURE_EVENTS.includes(e.event)), [], "no error, rejected or failed events");
    assert.ok(record.usage.some((u) => u.title === "Quarterly notes (e2e)"), `agent: the allowed window is recorded: ${JSON.stringify(record.usage.map((u) => [u.app, u.title]))}`);
    assert.deepEqual(record.usage.filter(isExcludedSpan), [], "agent: no span of an excluded title or app");
    assert.ok(record.entries.length >= 1, "time is still tracked while an excluded window is focused");
  }));

  it("the server stores no span with the excluded title or app", check(async () => {
    assert.ok(store.usage.length > 0, "server: the allowed spans arrived");
    assert.deepEqual(store.usage.filter(isExcludedSpan), [], "server: no span of an excluded title or app");
  }));

  it("no screenshot while an excluded window is focused, and the agent says it skipped", check(async () => {
    assert.ok(shots.length >= 1, "server: the screenshots of the allowed window arrived");
    for (const s of excluded()) {
      const inside = shots.filter((shot) => shot.takenAt >= s.start && shot.takenAt <= s.end);
      assert.deepEqual(inside.map((shot) => iso(shot.takenAt)), [], `server: shots taken while ${s.key} was focused (${iso(s.start)}–${iso(s.end)})`);
      const mine = record.shots.filter((shot) => toMs(shot.takenAt) >= s.start && toMs(shot.takenAt) <= s.end);
      assert.deepEqual(mine.map((shot) => shot.takenAt), [], `agent: shots taken while ${s.key} was focused`);
      // Allow a second for the event to reach us through stdout.
      const skipped = agent.events.filter((e) => e.event === "screenshot_skipped" && e.reason === "excluded" && e.receivedAt >= s.start && e.receivedAt <= s.end + 1000);
      assert.ok(skipped.length >= 1, `agent printed screenshot_skipped while ${s.key} was focused; events: ${JSON.stringify(agent.events.map((e) => [e.event, iso(e.receivedAt)]))}`);
    }
    for (const shot of shots) assert.notEqual((shot.app ?? "").toLowerCase(), "payroll", "no shot names the excluded app");
  }));
});
