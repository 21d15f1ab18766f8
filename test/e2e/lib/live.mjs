// Shared by the live board's browser tests (live.e2e.mjs, live-500.e2e.mjs): the API calls they
// make as people and agents do, seeding a large team, and the page with its sockets observed.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { BASE_URL, openPage } from "./browser.mjs";

export const DEVICE = { name: "E2E laptop", os: "Linux 6.8", agentVersion: "1.0.0" };
/** How long a change may take to show on a page before a test gives up. */
export const UPDATE_WITHIN_MS = 5_000;

/* ------------------------------------------------------------------------------------ the API */

export async function call(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${BASE_URL}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = text;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: json };
}

export async function must(method, path, opts, status) {
  const r = await call(method, path, opts);
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body;
}

export const signIn = async (email, password) => (await must("POST", "/api/v1/auth/login", { body: { email, password } }, 200)).accessToken;

/** The demo workspace (POST /dev/seed, idempotent) and its logins by role. */
export async function demo() {
  const seed = await must("POST", "/api/v1/dev/seed", {}, 200);
  const login = (role, prefix = "") => seed.logins.find((l) => l.role === role && l.email.startsWith(prefix));
  return {
    ws: seed.workspace.id, password: seed.password,
    owner: login("owner"), teamManager: login("team_manager"), employee: login("employee", "employee@"),
    employee2: login("employee", "employee2@"), viewer: login("project_viewer"),
  };
}

/** An agent for the member holding `userToken`: one-time code from the web app, then registration. */
export async function registerDevice(userToken, ws) {
  const { code } = await must("POST", `/api/v1/workspaces/${ws}/devices/code`, { token: userToken }, 201);
  const reg = await must("POST", "/api/v1/agent/register", { body: { code, device: DEVICE } }, 201);
  const settings = await must("GET", "/api/v1/agent/settings", { token: reg.deviceToken }, 200);
  const project = (name) => settings.projects.find((p) => p.name === name);
  return { token: reg.deviceToken, memberId: reg.memberId, project };
}

export const heartbeat = (deviceToken, body) =>
  must("POST", "/api/v1/agent/heartbeat", { token: deviceToken, body: { at: new Date().toISOString(), ...body } }, 200);

/** A running entry as the agent reports it in a heartbeat. */
export const runningEntry = (project, taskId = null, startedAgoMs = 0) => ({
  id: randomUUID(), start: new Date(Date.now() - startedAgoMs).toISOString(), projectId: project.id, taskId,
});

/** Runs fn over items with at most n in flight. */
export async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

/**
 * A workspace with n members (role employee) whose web timers run, from the development bulk seed
 * (POST /api/v1/dev/seed-team, worker/dev/bulkSeed.ts): accounts, teams and projects are written
 * straight to D1 with one shared password hash, and each timer starts through the real time
 * service, as the member, so the Workspace object gets what a click on "Start" sends. That takes
 * seconds where signing n people up through the API (two PBKDF2 hashes each) took minutes.
 * Answers the seed: workspace, password (every account's), owner, teams with their managers,
 * projects, and members ({ memberId, name, email, teamId, projectId, running }) without tokens:
 * signInMembers the ones a test acts as.
 */
export const seedTeam = (members, options = {}) => must("POST", "/api/v1/dev/seed-team", { body: { members, ...options } }, 201);

/** Signs seeded members in through the real login (each once; sets p.token), a few at a time. */
export async function signInMembers(people, password) {
  await pool(people.filter((p) => !p.token), 4, async (p) => { p.token = await signIn(p.email, password); });
}

/* ------------------------------------------------------------------------------------ the page */

/**
 * Test instrumentation, installed before any page script: every WebSocket the page opens is kept
 * (so a test can drop one, as a network failure would) and the arrival time of each message with
 * the member ids it names is noted. Messages reach the page untouched: the page is observed, never
 * fed.
 */
function observeSockets() {
  const Native = window.WebSocket;
  const sockets = [];
  const messages = [];
  class Observed extends Native {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      this.addEventListener("message", (e) => {
        const at = performance.now();
        let ids = [];
        let type = "text";
        try {
          const f = JSON.parse(e.data);
          type = f.type;
          ids = [...(f.members ?? f.upsert ?? []).map((m) => m.memberId), ...(f.remove ?? [])];
        } catch { /* "pong" */ }
        messages.push({ at, type, ids });
        if (messages.length > 5000) messages.splice(0, 1000);
      });
    }
  }
  window.WebSocket = Observed;
  Object.defineProperty(window, "__live", { value: { sockets, messages } });
}

/** A fresh browser context signed in through the login page, its sockets observed. */
export async function signedInPage(browser, email, password) {
  const opened = await openPage(browser);
  await opened.context.addInitScript(observeSockets);
  const { page } = opened;
  await page.goto("/login");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  return opened;
}

/** The board of `ws`, connected; marks the document so a test can tell it was never reloaded. */
export async function openBoard(page, ws, search = "") {
  await page.goto(`/w/${ws}/live${search}`);
  await page.locator(".live-indicator-on").waitFor({ timeout: UPDATE_WITHIN_MS });
  await page.evaluate(() => { window.__sameDocument = true; });
}

export const stillSameDocument = (page) => page.evaluate(() => window.__sameDocument === true);
export const rowOf = (page, name) => page.locator(".live-body [role=row]", { has: page.locator("[role=rowheader]", { hasText: name }) });
export const boardNames = (page) => page.locator(".live-body [role=rowheader]").allInnerTexts();

/** The member's row once it shows every one of `texts`. */
export async function waitForRow(page, name, texts) {
  let row = rowOf(page, name);
  for (const t of texts) row = row.filter({ hasText: t });
  await row.waitFor({ timeout: UPDATE_WITHIN_MS });
  return row;
}
