// The live board in real Chromium against wrangler dev (issue 5): a team manager's page shows an
// agent starting, switching project and stopping, without a reload; someone outside the manager's
// teams never appears; the employee sees only themselves; filters live in the URL; a dropped socket
// shows the reconnecting banner and recovers; a viewer whose access is revoked is told so; a
// cross-origin upgrade is refused; no console errors or CSP violations on the way.
// (500 members: live-500.e2e.mjs.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { BASE_URL, launchBrowser } from "./lib/browser.mjs";
import {
  boardNames, demo, heartbeat, must, openBoard, registerDevice, rowOf, runningEntry, signedInPage, signIn,
  stillSameDocument, UPDATE_WITHIN_MS, waitForRow,
} from "./lib/live.mjs";

describe("live board: a manager watches an agent", () => {
  let browser;
  let d;
  before(async () => {
    browser = await launchBrowser();
    d = await demo();
  });
  after(async () => { await browser?.close(); });

  it("shows the agent starting, switching project and stopping, live and within the manager's teams", async () => {
    const emma = await registerDevice(await signIn(d.employee.email, d.password), d.ws);
    const eli = await registerDevice(await signIn(d.employee2.email, d.password), d.ws);
    const website = emma.project("Website relaunch");
    const internal = emma.project("Internal tools");
    assert.ok(website && internal, "the demo employee may record on both projects");

    const { context, page, problems } = await signedInPage(browser, d.teamManager.email, d.password);
    await openBoard(page, d.ws);

    // Start: tracking on Website relaunch (client Northwind Traders) in an editor.
    const t0 = Date.now();
    await heartbeat(emma.token, { state: "tracking", entry: runningEntry(website, website.tasks[0].id, 90_000), app: { name: "Code", title: "landing.tsx", url: null } });
    const started = await waitForRow(page, d.employee.name, ["Working", "Website relaunch", website.tasks[0].name, "Northwind Traders", "Code"]);
    const startLatency = Date.now() - t0;
    const shownTimer = await started.locator(".live-timer").textContent();
    // 90 s, less up to a second for the shared ticker's last tick and the request's transit.
    assert.match(shownTimer, /^0:01:(2[89]|[3-5]\d)$/, `the timer counts from the entry's start (shows ${shownTimer})`);
    assert.equal(await started.locator(".live-app").getAttribute("title"), "Code — landing.tsx", "the full app text is in the title");

    // Switch project: a new entry on Internal tools, in a browser.
    await heartbeat(emma.token, { state: "tracking", entry: runningEntry(internal), app: { name: "Firefox", title: "Time report", url: "https://tools.example/report" } });
    const switched = await waitForRow(page, d.employee.name, ["Working", "Internal tools", "Firefox"]);
    assert.doesNotMatch(await switched.innerText(), /Website relaunch/);

    // The timer ticks in place.
    const before = await switched.locator(".live-timer").textContent();
    await page.waitForTimeout(2_100);
    assert.notEqual(await switched.locator(".live-timer").textContent(), before, "the running timer ticks");

    // Stop.
    await heartbeat(emma.token, { state: "stopped", entry: null });
    const stopped = await waitForRow(page, d.employee.name, ["Stopped"]);
    assert.equal(await stopped.locator(".live-timer").textContent(), "—No timer", "a dash, and words for screen readers");

    // Someone in a team Tara does not manage is tracking too, and never shows up on her board.
    await heartbeat(eli.token, { state: "tracking", entry: runningEntry(eli.project("Mobile app")) });
    await page.waitForTimeout(1_000);
    assert.deepEqual(await boardNames(page), [d.employee.name]);
    assert.equal(await page.getByText(d.employee2.name).count(), 0);

    assert.ok(await stillSameDocument(page), "every update arrived without a reload");
    assert.deepEqual(problems, [], "no console errors or CSP violations");
    console.log(`# heartbeat → row updated on the manager's page: ${startLatency} ms`);
    await context.close();
  });

  it("shows the employee only themselves", async () => {
    const eli = await registerDevice(await signIn(d.employee2.email, d.password), d.ws);
    await heartbeat(eli.token, { state: "tracking", entry: runningEntry(eli.project("Mobile app")) });
    const { context, page, problems } = await signedInPage(browser, d.employee.email, d.password);
    await openBoard(page, d.ws);
    await rowOf(page, d.employee.name).waitFor({ timeout: UPDATE_WITHIN_MS });
    assert.deepEqual(await boardNames(page), [d.employee.name]);
    assert.equal(await page.locator(".live-count-total .live-count-value").innerText(), "1");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("filters by status and project in the URL, and recovers from a dropped connection", async () => {
    const emma = await registerDevice(await signIn(d.employee.email, d.password), d.ws);
    const internal = emma.project("Internal tools");
    const { context, page, problems } = await signedInPage(browser, d.teamManager.email, d.password);
    await openBoard(page, d.ws);
    await heartbeat(emma.token, { state: "tracking", entry: runningEntry(emma.project("Website relaunch")) });
    await waitForRow(page, d.employee.name, ["Working"]);

    // Filters apply at once and are written into the URL (no navigation).
    await page.getByLabel("Status", { exact: true }).selectOption({ label: "Stopped" });
    assert.match(page.url(), /[?&]status=stopped/);
    await page.getByText("No one matches these filters").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption({ label: "Working" });
    await rowOf(page, d.employee.name).waitFor();
    assert.ok(await stillSameDocument(page));
    // A bookmarked view opens with its filters.
    await openBoard(page, d.ws, `?project=${internal.id}`);
    await page.getByText("No one matches these filters").waitFor({ timeout: UPDATE_WITHIN_MS });
    assert.equal(await page.getByLabel("Project", { exact: true }).inputValue(), internal.id);
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await rowOf(page, d.employee.name).waitFor();
    assert.doesNotMatch(page.url(), /project=/);

    // The network drops the socket: the banner says so, the page reconnects by itself and keeps
    // updating. The reconnect can be quick, so the banner is watched from inside the page.
    const socketsBefore = await page.evaluate(() => window.__live.sockets.length);
    const bannerSeen = page.evaluate(() => new Promise((resolve) => {
      const banner = document.querySelector('.live-banner[role="status"]');
      const mo = new MutationObserver(() => {
        if (banner.textContent.includes("Connection lost — reconnecting…")) { mo.disconnect(); resolve(true); }
      });
      mo.observe(banner, { subtree: true, childList: true, characterData: true });
      setTimeout(() => resolve(false), 10_000);
    }));
    await page.evaluate(() => window.__live.sockets.at(-1).close());
    assert.equal(await bannerSeen, true, "the reconnecting banner (role=status) appeared");
    await page.locator(".live-indicator-on").waitFor({ timeout: 20_000 });
    assert.ok(await page.evaluate(() => window.__live.sockets.length) > socketsBefore, "a new socket was opened");
    assert.equal(await page.getByText("Connection lost").count(), 0, "the banner is gone once connected");
    await heartbeat(emma.token, { state: "idle", entry: runningEntry(emma.project("Website relaunch")) });
    await waitForRow(page, d.employee.name, ["Idle"]);

    assert.ok(await stillSameDocument(page));
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("tells a viewer whose access was revoked, and stops", async () => {
    const { context, page, problems } = await signedInPage(browser, d.viewer.email, d.password);
    await openBoard(page, d.ws);
    const owner = await signIn(d.owner.email, d.password);
    const { items } = await must("GET", `/api/v1/workspaces/${d.ws}/members?status=all&limit=100`, { token: owner }, 200);
    const viewer = items.find((m) => m.email === d.viewer.email);
    await must("POST", `/api/v1/workspaces/${d.ws}/members/${viewer.id}/deactivate`, { token: owner }, 200);
    try {
      await page.getByText("You no longer have access to this board").waitFor({ timeout: UPDATE_WITHIN_MS });
      assert.equal(await page.locator(".live-body [role=row]").count(), 0, "nothing of the board stays on screen");
      const sockets = await page.evaluate(() => window.__live.sockets.length);
      await page.waitForTimeout(1_500);
      assert.equal(await page.evaluate(() => window.__live.sockets.length), sockets, "no reconnect after 4403");
    } finally {
      await must("POST", `/api/v1/workspaces/${d.ws}/members/${viewer.id}/reactivate`, { token: owner }, 200);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("refuses a WebSocket upgrade from another origin, even with a valid session cookie", async () => {
    const { context } = await signedInPage(browser, d.teamManager.email, d.password);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const url = `${BASE_URL.replace(/^http/, "ws")}/live/${d.ws}`;
    const attempt = (origin) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { cookie }, origin });
      ws.on("unexpected-response", (_req, res) => { resolve({ status: res.statusCode }); ws.terminate(); });
      ws.on("message", (data) => { resolve({ status: 101, first: JSON.parse(String(data)) }); ws.close(); });
      ws.on("error", reject);
    });
    assert.equal((await attempt("https://evil.example")).status, 403);
    // The same cookie from our own origin is let in: the refusal above is the Origin check.
    const own = await attempt(new URL(BASE_URL).origin);
    assert.equal(own.status, 101);
    assert.equal(own.first.type, "snapshot");
    await context.close();
  });
});
