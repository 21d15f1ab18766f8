/**
 * "What is recorded": the recent apps and sites and the screenshots, exactly as they are uploaded
 * (after the privacy filter: excluded apps never appear, URLs are scheme+host+path). Screenshots
 * show their in-memory thumbnail; the employee deletes one where the workspace allows it.
 */
import type { RecordedShotView, RecordedView as Recorded, ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { busy, h, replaceChildren } from "./dom";
import { formatTime } from "./format";

const THUMB_PREFIX = "data:image/jpeg;base64,";

export class RecordedView {
  readonly el: HTMLElement;
  private readonly usage = h("tbody");
  private readonly shots = h("div", { class: "shots" });
  private readonly refreshButton = h("button", { type: "button" }, "Refresh");
  private canDelete = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly onError: (message: string) => void) {
    this.refreshButton.addEventListener("click", () => void busy(this.refreshButton, () => this.load(), this.onError));
    this.el = h(
      "section",
      { class: "view" },
      h("div", { class: "row spread" }, h("h2", {}, "What is recorded"), this.refreshButton),
      h("p", { class: "hint" }, "Exactly what this device sends to your workspace. Excluded apps and sites never appear here or anywhere."),
      h("div", { class: "card" }, h("h3", {}, "Screenshots"), this.shots),
      h("div", { class: "card" }, h("h3", {}, "Apps and sites"), h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "App"), h("th", {}, "Title / address"))), this.usage)),
    );
  }

  update(s: ViewSnapshot): void {
    this.canDelete = s.permissions.deleteScreenshots;
  }

  /** Loaded when the tab opens and every 30 s while it stays open (thumbnails are not free to ship). */
  activate(): void {
    void this.load().catch((e: unknown) => this.onError(e instanceof Error ? e.message : String(e)));
    this.timer ??= setInterval(() => void this.load().catch(() => undefined), 30_000);
  }

  deactivate(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async load(): Promise<void> {
    this.render(await unwrap(api.recent()));
  }

  private render(r: Recorded): void {
    replaceChildren(
      this.usage,
      ...r.usage
        .slice()
        .reverse()
        .map((u) => h("tr", {}, h("td", {}, `${formatTime(u.start)}–${formatTime(u.end)}`), h("td", {}, u.app), h("td", { class: "clip" }, u.url ?? u.title ?? ""))),
    );
    if (r.usage.length === 0) this.usage.append(h("tr", {}, h("td", { colspan: 3, class: "empty" }, "Nothing recorded recently.")));
    replaceChildren(this.shots, ...r.shots.map((s) => this.shot(s)));
    if (r.shots.length === 0) this.shots.append(h("p", { class: "empty" }, "No screenshots recently."));
  }

  private shot(s: RecordedShotView): HTMLElement {
    const img = s.thumbnail && s.thumbnail.startsWith(THUMB_PREFIX) ? h("img", { src: s.thumbnail, alt: `Screenshot at ${formatTime(s.takenAt)}` }) : h("div", { class: "nothumb" }, "Thumbnail not kept after a restart");
    const del = h("button", { type: "button", class: "danger" }, "Delete");
    let armed = false;
    del.addEventListener("click", () => {
      // Two clicks: deleting also removes the time of its 10-minute slot (ADR 0007).
      if (!armed) {
        armed = true;
        del.textContent = "Delete screenshot and its 10 minutes?";
        return;
      }
      void busy(del, async () => {
        await unwrap(api.deleteScreenshot(s.shotId));
        await this.load();
      }, this.onError);
    });
    return h(
      "figure",
      { class: "shot" },
      img,
      h("figcaption", {}, `${formatTime(s.takenAt)}${s.app ? ` · ${s.app}` : ""} · ${s.uploaded ? "uploaded" : "waiting to upload"}`),
      this.canDelete ? del : null,
    );
  }
}
