/**
 * Collectors for the Electron app. Idle time comes from Electron (powerMonitor, every platform).
 * On Linux/X11 the window and screen collectors are the headless agent's (desktop/src/core/
 * collectors/x11.ts). Elsewhere screens come from desktopCapturer (JPEG in memory, never a file);
 * the focused window needs a native module per platform that this build does not ship yet, so
 * no app or site is recorded there — time, activity and screenshots are.
 */
import { desktopCapturer, screen as electronScreen } from "electron";
import { createX11Collectors } from "../core/collectors/x11";
import type { CapturedScreen, Collectors, ScreenCollector } from "../core/ports";

const JPEG_QUALITY = 60;
const THUMB_WIDTH = 320;

const capturerScreens: ScreenCollector = {
  async capture() {
    const displays = electronScreen.getAllDisplays();
    const largest = displays.reduce((m, d) => Math.max(m, d.size.width * d.scaleFactor, d.size.height * d.scaleFactor), 0);
    const sources = await desktopCapturer.getSources({ types: ["screen"], thumbnailSize: { width: largest, height: largest } });
    return sources.map((s, display): CapturedScreen => {
      const size = s.thumbnail.getSize();
      return { display, width: size.width, height: size.height, image: s.thumbnail.toJPEG(JPEG_QUALITY), contentType: "image/jpeg" };
    });
  },
  async thumbnail(shot) {
    const { nativeImage } = await import("electron");
    const small = nativeImage.createFromBuffer(Buffer.from(shot.image)).resize({ width: THUMB_WIDTH });
    const size = small.getSize();
    return { display: shot.display, width: size.width, height: size.height, image: small.toJPEG(JPEG_QUALITY), contentType: "image/jpeg" };
  },
};

export function electronCollectors(systemIdleSeconds: () => number): Collectors {
  const idle = { idleSeconds: async () => systemIdleSeconds() };
  if (process.platform === "linux" && process.env.DISPLAY) {
    const x11 = createX11Collectors({ display: process.env.DISPLAY });
    return { window: x11.window, idle, screen: x11.screen, close: () => x11.close() };
  }
  return { window: { activeWindow: async () => null }, idle, screen: capturerScreens };
}
