// Shared by the browser tests: the server under test, Debian's Chromium through playwright-core,
// and a page that records console errors and CSP violations so every test can assert none happened.
import { chromium } from "playwright-core";

/** Set by scripts/e2e.mjs; point it at any running Worker to run one file by hand. */
export const BASE_URL = process.env.WORKTRAIL_URL ?? "http://localhost:8799";

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * A page in a fresh context (own cookie jar) plus a list of problems seen on it: console errors
 * (which include CSP violation reports), uncaught page errors and securitypolicyviolation events.
 */
export async function openPage(browser) {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // The app ships no favicon; Chromium's automatic request for it is not the app's error.
    const url = msg.location()?.url ?? "";
    if (/favicon\.ico/.test(url)) return;
    problems.push(`console: ${msg.text()}${url ? ` (${url})` : ""}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  // Registered before any page script runs, so violations during hydration are caught too.
  await context.exposeBinding("__reportCspViolation", (_src, text) => problems.push(`csp: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      // @ts-ignore -- exposed by exposeBinding above
      window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  return { context, page, problems };
}

/** A unique address per run, so tests can rerun against the same database. */
export const uniqueEmail = (tag) => `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@e2e.worktrail.test`;
