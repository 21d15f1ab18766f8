/**
 * The page URL of a browser window, where X11 gives it away at all. X11 exposes only the window
 * title; browsers do not publish the URL in any window property, and reading it otherwise needs a
 * browser extension or accessibility APIs (out of scope for the headless agent). So the URL is
 * taken from the title only when the title carries one (some browser setups and extensions append
 * it), and is null otherwise. Non-browser windows never get a URL: a terminal showing
 * "curl https://…" is not visiting that page.
 */
import { reduceUrl } from "../../../../worker/contract/agent";

/** WM_CLASS classes (lower case) of the common Linux browsers. */
const BROWSER_CLASSES = new Set([
  "firefox", "firefox-esr", "navigator", "librewolf", "waterfox",
  "chromium", "chromium-browser", "google-chrome", "google-chrome-beta", "google-chrome-unstable",
  "brave-browser", "microsoft-edge", "microsoft-edge-beta", "vivaldi-stable", "opera", "epiphany", "falkon", "qutebrowser",
]);

const URL_IN_TEXT_RE = /\bhttps?:\/\/[^\s"'<>]+/i;

export const isBrowserApp = (app: string): boolean => BROWSER_CLASSES.has(app.toLowerCase());

/** A URL found in a browser's window title, already reduced to scheme + host + path; otherwise null. */
export function urlFromTitle(app: string, title: string | null): string | null {
  if (!title || !isBrowserApp(app)) return null;
  const m = URL_IN_TEXT_RE.exec(title);
  // Titles end URLs with punctuation of the surrounding text ("… (https://a.b/c)."): trim it first.
  return m ? reduceUrl(m[0].replace(/[),.;:!?\]]+$/, "")) : null;
}
