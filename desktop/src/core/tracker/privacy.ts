/**
 * The privacy filter at the source. An excluded app, site or title is never stored anywhere, not
 * even its app name: the whole span is dropped before it reaches a usage span, a rule decision that
 * is kept, or a screenshot (the scheduler asks isExcluded). What is kept is reduced to what the
 * workspace captures: no title unless captureTitles, no URL unless trackUrls, and URLs only as
 * scheme+host+path. Matching is the server's (worker/workspace/ingest.ts filterUsage), so the
 * server's second line of defence never has to reject what this agent sends.
 */
import { reduceUrl, urlHost } from "../../../../worker/contract/agent";
import type { WindowInfo } from "../ports";
import type { Exclusions, PrivacySettings } from "./settings";

/** Limits of the usage item (worker/contract/agent.ts UsageItem). */
const MAX_APP = 200;
const MAX_TITLE = 500;
const MAX_URL = 4096;

/** What may be recorded of a window: the usage span's facts. */
export interface RecordedWindow {
  app: string;
  title: string | null;
  url: string | null;
}

type WindowFacts = Pick<WindowInfo, "app" | "title" | "url">;

const norm = (s: string) => s.trim().toLowerCase();

export function isExcluded(window: WindowFacts, exclusions: Exclusions): boolean {
  const app = norm(window.app);
  if (exclusions.apps.some((a) => norm(a) !== "" && norm(a) === app)) return true;
  const host = window.url ? urlHost(window.url) : null;
  if (host !== null && exclusions.domains.some((d) => { const dom = norm(d); return dom !== "" && (host === dom || host.endsWith(`.${dom}`)); })) return true;
  if (window.title) {
    const title = window.title.toLowerCase();
    if (exclusions.titleKeywords.some((k) => norm(k) !== "" && title.includes(norm(k)))) return true;
  }
  return false;
}

/**
 * The facts of `window` that may be recorded, or null when nothing may be: no focused window,
 * app tracking off, or an exclusion matches (checked on the full facts, before anything is dropped).
 */
export function recordable(window: WindowFacts | null, settings: PrivacySettings): RecordedWindow | null {
  if (!window || !settings.trackApps || isExcluded(window, settings.exclusions)) return null;
  const app = window.app.trim().slice(0, MAX_APP);
  if (!app) return null;
  const title = settings.captureTitles && window.title ? window.title.slice(0, MAX_TITLE) : null;
  const reduced = settings.trackUrls && window.url ? reduceUrl(window.url) : null;
  return { app, title, url: reduced !== null && reduced.length <= MAX_URL ? reduced : null };
}

