/** The tray icon and its menu, redrawn from trayModel.ts only when what it shows changes. */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from "electron";
import type { TrackerState } from "../core/facade";
import { trayIconPng } from "./trayIcon";
import type { TrayAction, TrayModel } from "./trayModel";

const icons = new Map<TrackerState, NativeImage>();

function icon(state: TrackerState): NativeImage {
  let img = icons.get(state);
  if (!img) {
    img = nativeImage.createFromBuffer(trayIconPng(state, 16), { scaleFactor: 1 });
    img.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(state, 32) });
    icons.set(state, img);
  }
  return img;
}

export class TrayController {
  private readonly tray: Tray;
  private lastKey = "";

  constructor(private readonly onAction: (action: TrayAction) => void) {
    this.tray = new Tray(icon("signed_out"));
    // Windows and most Linux trays: a left click opens the window (the menu is on the right click).
    this.tray.on("click", () => this.onAction("open"));
  }

  update(model: TrayModel): void {
    if (model.key === this.lastKey) return;
    this.lastKey = model.key;
    this.tray.setImage(icon(model.state));
    this.tray.setToolTip(model.tooltip);
    if (process.platform === "darwin") this.tray.setTitle(model.title);
    const template: MenuItemConstructorOptions[] = model.items.map((item) => {
      if (item.type === "separator") return { type: "separator" };
      if (item.type === "label") return { label: item.label, enabled: false };
      return { label: item.label, enabled: item.enabled, click: () => this.onAction(item.action) };
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
