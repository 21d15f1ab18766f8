/** Settings and account: auto-launch, sync state, version and update, sign out. */
import type { ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { busy, h } from "./dom";
import { formatTime } from "./format";

export class SettingsView {
  readonly el: HTMLElement;
  private readonly autoLaunch = h("input", { type: "checkbox" });
  private readonly account = h("p");
  private readonly sync = h("p");
  private readonly version = h("p", { class: "hint" });
  private readonly signOut = h("button", { type: "button", class: "danger" }, "Sign out");
  private armed = false;

  constructor(private readonly onError: (message: string) => void) {
    this.autoLaunch.addEventListener("change", () => {
      const wanted = this.autoLaunch.checked;
      void unwrap(api.setAutoLaunch(wanted)).catch((e: unknown) => {
        this.autoLaunch.checked = !wanted;
        this.onError(e instanceof Error ? e.message : String(e));
      });
    });
    this.signOut.addEventListener("click", () => {
      if (!this.armed) {
        this.armed = true;
        this.signOut.textContent = "Stop tracking and sign out?";
        return;
      }
      this.armed = false;
      this.signOut.textContent = "Sign out";
      void busy(this.signOut, () => unwrap(api.signOut()), this.onError);
    });
    this.el = h(
      "section",
      { class: "view" },
      h("div", { class: "card" }, h("h2", {}, "Settings"), h("label", { class: "check" }, this.autoLaunch, "Start Worktrail when I log in (it starts stopped)")),
      h("div", { class: "card" }, h("h2", {}, "Account"), this.account, this.sync, this.signOut),
      this.version,
    );
  }

  update(s: ViewSnapshot): void {
    if (document.activeElement !== this.autoLaunch) this.autoLaunch.checked = s.settings.autoLaunch;
    const st = s.status;
    this.account.textContent = `${st.memberName ?? "You"} in ${st.workspaceName ?? "your workspace"}${s.settings.lastServer ? ` (${s.settings.lastServer})` : ""}`;
    const last = st.lastSyncAt ? `last upload ${formatTime(st.lastSyncAt)}` : "nothing uploaded yet";
    this.sync.textContent = `${st.online ? "Online" : "Offline"} · ${st.pendingUploads} waiting to upload · ${last}`;
    this.version.textContent = `Worktrail ${s.version}${s.updateReady ? ` · version ${s.updateReady} installs when you quit` : ""}`;
  }
}
