/**
 * The renderer is served from a private `app://renderer/` origin instead of file:// (Electron's
 * security checklist: prefer custom protocols over file://, which grants every page read access to
 * the whole disk). Only files inside the packaged renderer directory with a known type are served.
 *
 * Pure and Electron-free so the path rules are tested in Node (desktop/test/appProtocol.test.ts);
 * protocolHandler.ts plugs them into Electron.
 */
import { extname, isAbsolute, relative, resolve, sep } from "node:path";

export const APP_SCHEME = "app";
export const APP_HOST = "renderer";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * No remote content, no inline script, no eval, no network from the page (the renderer talks to the
 * agent only through the preload bridge). Screenshot thumbnails arrive as data: URLs.
 * Also in index.html's meta tag (without frame-ancestors, which a meta tag cannot carry).
 */
export const CSP_META =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
export const CSP_HEADER = `${CSP_META}; frame-ancestors 'none'`;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

/** True for URLs of the packaged renderer (navigation and IPC sender checks). Parsed, never string-prefixed. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    // Lower-cased because Chromium does so for standard schemes and Node's URL does not for custom ones.
    return u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST && u.username === "" && u.password === "";
  } catch {
    return false;
  }
}

export interface ResolvedAsset {
  path: string;
  contentType: string;
}

/** The file a request maps to inside `root`, or null when it is not ours to serve (answered 404). */
export function resolveAppRequest(url: string, root: string): ResolvedAsset | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  // Backslashes are separators on Windows and NUL truncates paths in native code: refuse both.
  if (pathname.includes("\\") || pathname.includes("\0")) return null;
  if (pathname === "/" || pathname === "") pathname = "/index.html";
  const base = resolve(root);
  const target = resolve(base, `.${pathname}`);
  const rel = relative(base, target);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) return null;
  const contentType = CONTENT_TYPES[extname(target).toLowerCase()];
  return contentType ? { path: target, contentType } : null;
}
