/**
 * The idle prompt: time with no input beyond the workspace's threshold waits for the employee's
 * decision — keep it, discard it, or move it to another project. Rebuilt only when the set of
 * pending spans changes, so a half-made choice survives refreshes.
 */
import type { PendingIdle, ProjectChoice, ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { busy, h, replaceChildren } from "./dom";
import { formatDuration, formatTime, spanSeconds } from "./format";
import { ProjectPicker } from "./projectPicker";

export class IdlePrompt {
  readonly el = h("section", { class: "idle", role: "alertdialog", "aria-label": "Idle time", hidden: true });
  private key = "";
  private projects: ProjectChoice[] = [];
  private readonly pickers: ProjectPicker[] = [];

  constructor(private readonly onError: (message: string) => void) {}

  update(s: ViewSnapshot): void {
    this.projects = s.projects;
    for (const p of this.pickers) p.setProjects(s.projects);
    const key = s.pendingIdle.map((p) => p.id).join(",");
    if (key === this.key) return;
    this.key = key;
    this.pickers.length = 0;
    this.el.hidden = s.pendingIdle.length === 0;
    replaceChildren(this.el, ...s.pendingIdle.map((p) => this.item(p)));
  }

  private item(p: PendingIdle): HTMLElement {
    const picker = new ProjectPicker(null);
    picker.setProjects(this.projects);
    this.pickers.push(picker);
    const reassignBox = h("div", { class: "reassign", hidden: true }, picker.el);
    const decide = (button: HTMLButtonElement, run: () => Promise<unknown>) => () => void busy(button, run, this.onError);

    const keep = h("button", { type: "button" }, "Keep");
    keep.addEventListener("click", decide(keep, () => unwrap(api.resolveIdle(p.id, { decision: "keep" }))));
    const discard = h("button", { type: "button" }, "Discard");
    discard.addEventListener("click", decide(discard, () => unwrap(api.resolveIdle(p.id, { decision: "discard" }))));
    const move = h("button", { type: "button" }, "Reassign…");
    const confirm = h("button", { type: "button", class: "primary" }, "Move the time");
    move.addEventListener("click", () => {
      reassignBox.hidden = false;
      move.hidden = true;
    });
    confirm.addEventListener(
      "click",
      decide(confirm, async () => {
        const { projectId, taskId } = picker.value();
        if (projectId === null) throw new Error("Choose the project the time goes to.");
        await unwrap(api.resolveIdle(p.id, { decision: "reassign", projectId, taskId }));
      }),
    );
    reassignBox.append(confirm);

    return h(
      "div",
      { class: "card warn" },
      h("h2", {}, "You were away"),
      h("p", {}, `No keyboard or mouse input from ${formatTime(p.start)} to ${formatTime(p.end)} (${formatDuration(spanSeconds(p.start, p.end))}). What should happen to this time?`),
      h("div", { class: "row" }, keep, discard, move),
      reassignBox,
    );
  }
}
