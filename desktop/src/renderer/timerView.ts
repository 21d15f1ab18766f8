/** The timer: project/task, notes, start/stop, what is being recorded right now, today's entries. */
import type { ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { busy, h, replaceChildren } from "./dom";
import { formatDuration, formatTime, spanSeconds } from "./format";
import { ProjectPicker, projectLabel } from "./projectPicker";

export class TimerView {
  readonly el: HTMLElement;
  private readonly picker = new ProjectPicker("No project (workspace rules decide)");
  private readonly note = h("textarea", { maxlength: 2000, rows: 2, placeholder: "What are you working on?" });
  private readonly button = h("button", { type: "button", class: "primary big" });
  private readonly state = h("p", { class: "state" });
  private readonly now = h("p", { class: "now" });
  private readonly entries = h("ul", { class: "entries" });
  private readonly total = h("p", { class: "total" });
  private running = false;
  private initialised = false;

  constructor(private readonly onError: (message: string) => void) {
    this.button.addEventListener("click", () => {
      void busy(this.button, () => (this.running ? unwrap(api.stop()) : unwrap(api.start({ ...this.picker.value(), note: this.note.value.trim() }))), this.onError);
    });
    this.el = h(
      "section",
      { class: "view" },
      h("div", { class: "card" }, this.state, this.now, this.picker.el, h("label", {}, "Notes", this.note), this.button),
      h("div", { class: "card" }, h("h2", {}, "Today"), this.entries, this.total),
    );
  }

  update(s: ViewSnapshot): void {
    const { status } = s;
    this.picker.setProjects(s.projects);
    if (!this.initialised) {
      // The last project started from this device, so one click resumes the usual work.
      this.picker.set(s.settings.lastStart);
      this.note.value = s.settings.lastStart.note;
      this.initialised = true;
    }
    this.running = status.state === "tracking" || status.state === "idle";
    this.button.textContent = this.running ? "Stop" : "Start";
    this.button.classList.toggle("stop", this.running);
    // Switching project is stop, then start: the inputs show the running entry while it runs.
    if (status.running) {
      this.picker.set({ projectId: status.running.projectId, taskId: status.running.taskId });
      if (document.activeElement !== this.note) this.note.value = status.running.note;
    }
    this.picker.setDisabled(this.running);
    this.note.disabled = this.running;

    const since = status.running ? ` since ${formatTime(status.running.since)}` : "";
    this.state.textContent = status.state === "tracking" ? `Tracking${since}` : status.state === "idle" ? `Idle — timer running${since}` : "Stopped";
    this.state.dataset.state = status.state;
    const cur = status.current;
    this.now.textContent = this.running && cur ? `Recording now: ${cur.app}${cur.title ? ` — ${cur.title}` : ""}` : "";

    replaceChildren(
      this.entries,
      ...s.today.map((e) =>
        h(
          "li",
          {},
          h("span", { class: "when" }, `${formatTime(e.start)}–${e.end ? formatTime(e.end) : "now"}`),
          h("span", { class: "what" }, projectLabel(s.projects, e.projectId, e.taskId), e.note ? h("small", {}, e.note) : null),
          h("span", { class: "dur" }, formatDuration(spanSeconds(e.start, e.end))),
        ),
      ),
    );
    if (s.today.length === 0) this.entries.append(h("li", { class: "empty" }, "Nothing tracked today yet."));
    this.total.textContent = `Total today: ${formatDuration(status.todaySeconds)}`;
  }
}
