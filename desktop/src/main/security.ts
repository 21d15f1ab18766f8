/**
 * App-wide hardening from Electron's security checklist, applied once at start:
 * sandbox for every renderer, the private app:// origin for our files (instead of file://),
 * no permissions granted to any page, no navigation, no new windows, no <webview>.
 */
import { readFile } from "node:fs/promises";
import { app, protocol, session } from "electron";
import { APP_SCHEME, CSP_HEADER, resolveAppRequest } from "./appProtocol";

/** Before `ready`: privileges of app:// (standard: relative URLs and an origin; secure: like https). */
export function hardenBeforeReady(): void {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** After `ready`: serve the packaged renderer directory and lock every web contents down. */
export function hardenAfterReady(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== "GET") return new Response(null, { status: 405 });
    const asset = resolveAppRequest(request.url, rendererRoot);
    if (!asset) return new Response(null, { status: 404 });
    let body: Buffer;
    try {
      body = await readFile(asset.path);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": asset.contentType,
        // The header is the CSP's preferred carrier; index.html repeats it in a meta tag.
        "content-security-policy": CSP_HEADER,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      },
    });
  });

  // The window needs no camera, notifications, clipboard, geolocation… : refuse every request and check.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on("web-contents-created", (_event, contents) => {
    // The renderer is one page: it never navigates (main loads it with loadURL, which is not a navigation event).
    contents.on("will-navigate", (event) => event.preventDefault());
    contents.on("will-frame-navigate", (event) => event.preventDefault());
    contents.on("will-redirect", (event) => event.preventDefault());
    contents.on("will-attach-webview", (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
  });
}
