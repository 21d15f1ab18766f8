// The live board with 500 real members (issue 5: "it must stay smooth at 500 members"). The members
// come from the development bulk seed (one request: accounts in D1 sharing one password hash, each
// web timer started through the real time service as that member); the owner signs in through the
// login page, the page then renders the whole board, and the test measures:
// - navigation → all rows rendered;
// - for single changes (a timer stopped or started through the API): the frame's arrival on the
//   socket → the row changed and painted (page clock; must stay under 200 ms), and the API request
//   → the row changed (wall clock; must stay under a second);
// - a burst of 50 changes; the longest gap between animation frames while every timer ticks; the
//   long tasks the page had.
// The members whose timers the test stops and starts sign in through the API login first, outside
// the measured spans. The figures are printed. LIVE_BOARD_MEMBERS=50 runs a smaller board (for a
// quick local check).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser } from "./lib/browser.mjs";
import { must, pool, seedTeam, signedInPage, signInMembers } from "./lib/live.mjs";

const MEMBERS = Number(process.env.LIVE_BOARD_MEMBERS ?? 500);

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x) => `${Math.round(x)} ms`;

/**
 * In the page: resolves when member `id`'s status reads `want`, with when the last frame naming
 * them arrived, when the row changed, and when that change had been painted (the first task after
 * the next animation frame).
 */
function rowChange({ id, want }) {
  return new Promise((resolve) => {
    const status = () => document.querySelector(`[role=row][data-member-id="${id}"] .live-status-text`)?.textContent;
    const done = () => {
      const changedAt = performance.now();
      requestAnimationFrame(() => setTimeout(() => {
        const frame = window.__live.messages.findLast((m) => m.ids.includes(id) && m.at <= changedAt);
        resolve({ frameAt: frame?.at ?? null, changedAt, paintedAt: performance.now(), wall: performance.timeOrigin + changedAt });
      }, 0));
    };
    if (status() === want) return done();
    const mo = new MutationObserver(() => { if (status() === want) { mo.disconnect(); done(); } });
    mo.observe(document.querySelector('[role=table]'), { subtree: true, childList: true, characterData: true });
  });
}

/** In the page: resolves with how long it took until every member in `ids` reads "Stopped". */
function allStopped(ids) {
  const start = performance.now();
  const stopped = (id) => document.querySelector(`[role=row][data-member-id="${id}"] .live-status-text`)?.textContent === "Stopped";
  return new Promise((resolve) => {
    const check = () => ids.every(stopped);
    if (check()) return resolve(0);
    const mo = new MutationObserver(() => { if (check()) { mo.disconnect(); resolve(performance.now() - start); } });
    mo.observe(document.querySelector('[role=table]'), { subtree: true, childList: true, characterData: true });
  });
}

/** In the page: the longest gap between animation frames over `forMs`. */
function longestFrameGap(forMs) {
  return new Promise((resolve) => {
    let last = performance.now();
    let max = 0;
    const end = last + forMs;
    const step = (t) => {
      max = Math.max(max, t - last);
      last = t;
      if (t < end) requestAnimationFrame(step); else resolve(max);
    };
    requestAnimationFrame(step);
  });
}

describe(`live board: ${MEMBERS} members stay smooth`, () => {
  let browser;
  let seed;
  let ws;
  let people;
  before(async () => {
    browser = await launchBrowser();
    const t0 = Date.now();
    seed = await seedTeam(MEMBERS, { teams: 10, projects: 10, name: `Live ${MEMBERS} ${Date.now().toString(36)}` });
    ws = seed.workspace.id;
    people = seed.members;
    assert.equal(people.filter((p) => p.running).length, MEMBERS);
    console.log(`# seeded ${MEMBERS} members with running web timers (POST /api/v1/dev/seed-team) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
  after(async () => { await browser?.close(); });

  it("renders the whole board and paints each change within 200 ms of its frame", async () => {
    const { context, page, problems } = await signedInPage(browser, seed.owner.email, seed.password);
    // Long tasks (> 50 ms on the main thread) on the board page.
    await context.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
    });
    const openedAt = Date.now();
    await page.goto(`/w/${ws}/live`);
    await page.waitForFunction((n) => document.querySelectorAll(".live-body [role=row]").length === n, MEMBERS, { timeout: 30_000 });
    const firstBoardMs = Date.now() - openedAt;
    assert.equal(await page.locator(".live-count-total .live-count-value").innerText(), String(MEMBERS));
    assert.equal(await page.locator(".live-count-tracking .live-count-value").innerText(), String(MEMBERS));

    // One change at a time: a member's timer stops or starts through the API (each stop moves a
    // row to another status group; the first ones also give the board a second status to sort).
    const framesToPaint = [];
    const requestToRow = [];
    for (let k = 0; k < 20; k++) {
      const p = people[((k % 10) * 37 + 5) % people.length]; // ten members: stopped, then started again
      await signInMembers([p], seed.password);
      const working = (await page.locator(`[role=row][data-member-id="${p.memberId}"] .live-status-text`).textContent()) === "Working";
      const change = page.evaluate(rowChange, { id: p.memberId, want: working ? "Stopped" : "Working" });
      const sentAt = Date.now();
      await must("POST", `/api/v1/workspaces/${ws}/timer/${working ? "stop" : "start"}`, { token: p.token, body: {} }, working ? 200 : 201);
      const r = await change;
      assert.ok(r.frameAt !== null, "the change came with a frame");
      framesToPaint.push(r.paintedAt - r.frameAt);
      requestToRow.push(r.wall - sentAt);
    }

    // A burst: up to 50 working members stop at once (half of them at most on a small board, so
    // that timers still run for the ticking check); every row must follow.
    const workingIds = new Set(await page.locator(".live-row-tracking").evaluateAll((rows) => rows.map((r) => r.dataset.memberId)));
    const burst = people.filter((p) => workingIds.has(p.memberId)).slice(0, Math.min(50, Math.floor(workingIds.size / 2)));
    await signInMembers(burst, seed.password);
    const burstDone = page.evaluate(allStopped, burst.map((p) => p.memberId));
    await pool(burst, 12, (p) => must("POST", `/api/v1/workspaces/${ws}/timer/stop`, { token: p.token, body: {} }, 200));
    const burstMs = await burstDone;

    // Ticking: every running timer's cells move each second.
    const running = await page.locator(".live-row-tracking").count();
    const maxGap = await page.evaluate(longestFrameGap, 5_000);
    const timer = page.locator(".live-row-tracking .live-timer").first();
    const shown = await timer.textContent();
    await page.waitForTimeout(1_100);
    assert.notEqual(await timer.textContent(), shown, "timers tick");
    const longTasks = await page.evaluate(() => window.__longTasks);

    console.log([
      `# live board with ${MEMBERS} members (${running} timers running):`,
      `#   navigation → ${MEMBERS} rows rendered: ${ms(firstBoardMs)}`,
      `#   frame → row painted, 20 single changes: p50 ${ms(percentile(framesToPaint, 50))}, p95 ${ms(percentile(framesToPaint, 95))}, max ${ms(Math.max(...framesToPaint))}`,
      `#   API request → row changed: p50 ${ms(percentile(requestToRow, 50))}, p95 ${ms(percentile(requestToRow, 95))}`,
      `#   burst of ${burst.length} stops → all ${burst.length} rows changed: ${ms(burstMs)}`,
      `#   longest gap between animation frames while ticking (5 s): ${ms(maxGap)}`,
      `#   long tasks (> 50 ms) on the board page: ${longTasks.length}${longTasks.length ? ` (longest ${ms(Math.max(...longTasks))})` : ""}`,
    ].join("\n"));

    assert.ok(Math.max(...framesToPaint) < 200, `every change painted within 200 ms of its frame: ${framesToPaint.map(Math.round)}`);
    assert.ok(percentile(requestToRow, 95) < 1_000, `a change reaches the page within a second: ${requestToRow.map(Math.round)}`);
    assert.ok(maxGap < 200, `no frame gap of 200 ms or more while ticking (was ${Math.round(maxGap)} ms)`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
