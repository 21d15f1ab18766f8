/**
 * The window's page: header (state, today's total), tabs (timer, what is recorded, settings), the
 * idle prompt above them, the resource meter below. It redraws from one snapshot, fetched when main
 * says something changed, when the window becomes visible, and every few seconds for the meter.
 */
import type { ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { h, replaceChildren } from "./dom";
import { formatBytes, formatDuration, formatPercent } from "./format";
import { IdlePrompt } from "./idlePrompt";
import { RecordedView } from "./recordedView";
import { SettingsView } from "./settingsView";
import { SignInView } from "./signInView";
import { TimerView } from "./timerView";

type Tab = "timer" | "recorded" | "settings";
const TAB_LABELS: Record<Tab, string> = { timer: "Timer", recorded: "What is recorded", settings: "Settings" };
const STATE_LABELS = { signed_out: "Signed out", stopped: "Stopped", tracking: "Tracking", idle: "Idle" } as const;
const METER_POLL_MS = 5_000;

const errorBox = h("div", { class: "error", role: "alert", hidden: true });
let errorTimer: ReturnType<typeof setTimeout> | undefined;
function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (errorBox.hidden = true), 8_000);
}

const signIn = new SignInView(showError);
const timer = new TimerView(showError);
const recorded = new RecordedView(showError);
const settings = new SettingsView(showError);
const idle = new IdlePrompt(showError);
const views: Record<Tab, { el: HTMLElement }> = { timer, recorded, settings };

const statePill = h("span", { class: "pill" });
const todayTotal = h("span", { class: "today" });
const offline = h("span", { class: "offline", hidden: true }, "offline");
const meter = h("footer", { class: "meter", title: "CPU and memory used by Worktrail on this computer" });
const tabButtons = new Map<Tab, HTMLButtonElement>();
const nav = h("nav", { role: "tablist" });
for (const tab of Object.keys(TAB_LABELS) as Tab[]) {
  const b = h("button", { type: "button", role: "tab" }, TAB_LABELS[tab]);
  b.addEventListener("click", () => select(tab));
  tabButtons.set(tab, b);
  nav.append(b);
}
const main = h("main");

let current: Tab = "timer";
let signedIn = false;

function select(tab: Tab): void {
  current = tab;
  for (const [t, b] of tabButtons) b.setAttribute("aria-selected", String(t === tab));
  if (tab === "recorded") recorded.activate();
  else recorded.deactivate();
  if (signedIn) replaceChildren(main, idle.el, views[tab].el);
}

function render(s: ViewSnapshot): void {
  const st = s.status;
  statePill.textContent = STATE_LABELS[st.state];
  statePill.dataset.state = st.state;
  todayTotal.textContent = st.state === "signed_out" ? "" : `Today ${formatDuration(st.todaySeconds)}`;
  offline.hidden = st.state === "signed_out" || st.online;
  const r = s.resources;
  meter.textContent = `Agent: CPU ${formatPercent(r.agent.cpuPercent)} · ${formatBytes(r.agent.rssBytes)}  —  whole app: CPU ${formatPercent(r.app.cpuPercent)} · ${formatBytes(r.app.memoryBytes)}`;

  const nowSignedIn = st.state !== "signed_out";
  if (nowSignedIn !== signedIn) {
    signedIn = nowSignedIn;
    nav.hidden = !signedIn;
    if (signedIn) select("timer");
    else {
      recorded.deactivate();
      replaceChildren(main, signIn.el);
    }
  }
  if (signedIn) {
    idle.update(s);
    timer.update(s);
    recorded.update(s);
    settings.update(s);
  } else {
    signIn.update(s);
  }
}

let inFlight = false;
let again = false;
async function refresh(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  try {
    render(await unwrap(api.snapshot()));
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

document.body.append(h("header", {}, h("strong", {}, "Worktrail"), statePill, todayTotal, offline), nav, errorBox, main, meter);
nav.hidden = true;
replaceChildren(main, signIn.el);
api.onChange(() => void refresh());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") void refresh();
});
setInterval(() => {
  if (document.visibilityState === "visible") void refresh();
}, METER_POLL_MS);
void refresh();
