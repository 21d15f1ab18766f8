/**
 * The agent: the tracker, the collectors, the encrypted queue, the uploader and the settings cache
 * wired together behind AgentFacade. The same object runs in Electron's main process (with a
 * safeStorage key and an idle prompt) and in the headless Linux agent (a 0600 key file, the
 * workspace's idle policy applied). One loop, once a second, reads the collectors and drives the
 * tracker and the screenshot schedule; uploads, settings and heartbeats run beside it and never
 * block it, so being offline changes nothing about what is recorded.
 */
import { join } from "node:path";
import { loadCredentials, forgetCredentials, saveCredentials, type Credentials } from "./credentials";
import type {
  AgentFacade, AgentPermissions, AgentStatus, IdleDecision, PendingIdle, ProjectChoice, RecordedShot, ResourceUsage, SignIn, StartOptions, TodayEntry,
} from "./facade";
import { History, teeSink } from "./history";
import { ResourceMeter } from "./meter";
import { HeartbeatSender, PresencePlanner } from "./presence";
import { systemClock, type Clock, type Collectors, type KeyStore, type SystemEvent, type WindowInfo } from "./ports";
import { ensurePrivateDir } from "./queue/durableFs";
import { RecordQueue } from "./queue/queue";
import { ScreenshotScheduler, slotStartOf } from "./screenshots/scheduler";
import { takeScreenshots } from "./screenshots/pipeline";
import type { AgentSettings } from "./sync/agentSchemas";
import { ApiClient, type DeviceInfo } from "./sync/apiClient";
import { SettingsCache } from "./sync/settingsCache";
import { Uploader, type UploadEvent } from "./sync/uploader";
import { Tracker } from "./tracker/tracker";
import type { TrackerSettings } from "./tracker/settings";
import { Tuning } from "./tuning";

/** One line of what the agent does, for the CLI's JSON log and the shell's diagnostics. */
export type AgentEvent = { event: string; at: string } & Record<string, unknown>;

export interface AgentDeps {
  dataDir: string;
  keyStore: KeyStore;
  collectors: Collectors;
  device: DeviceInfo;
  clock?: Clock;
  tuning?: Tuning;
  /** Someone can answer the idle prompt (Electron). The headless agent applies the workspace policy. */
  idlePrompt: boolean;
  /** Plain http to a host other than this machine (never in production). */
  allowInsecureHttp?: boolean;
  log?: (event: AgentEvent) => void;
}

/** Until the first settings arrive: record nothing beyond time and activity. */
const CAUTIOUS_SETTINGS: TrackerSettings = {
  trackApps: false, trackUrls: false, captureTitles: false,
  exclusions: { apps: [], domains: [], titleKeywords: [] },
  idleThresholdSeconds: 300, idlePolicy: "ask", rules: [],
};

const trackerSettingsOf = (s: AgentSettings | null): TrackerSettings =>
  s ? { ...s.settings, rules: s.rules } : CAUTIOUS_SETTINGS;

const RECENT_SHOTS = 12;
const FLUSH_ON_SIGN_OUT_MS = 5_000;

export async function createAgent(deps: AgentDeps): Promise<Agent> {
  await ensurePrivateDir(deps.dataDir);
  const [queue, history, credentials] = await Promise.all([
    RecordQueue.open({ dir: deps.dataDir, keyStore: deps.keyStore }),
    History.open(deps.dataDir, deps.keyStore),
    loadCredentials(deps.dataDir, deps.keyStore),
  ]);
  const agent = new Agent(deps, queue, history);
  await agent.init(credentials);
  return agent;
}

export class Agent implements AgentFacade {
  private readonly clock: Clock;
  private readonly tuning: Tuning;
  private readonly meter: ResourceMeter;
  private readonly tracker: Tracker;
  private readonly scheduler: ScreenshotScheduler;
  private readonly listeners = new Set<() => void>();
  private credentials: Credentials | null = null;
  private api: ApiClient | null = null;
  private uploader: Uploader | null = null;
  private settings!: SettingsCache;
  private loop: NodeJS.Timeout | null = null;
  private ticking = false;
  private capturing = false;
  private readonly presence: PresencePlanner;
  private heartbeats: HeartbeatSender | null = null;
  private lastSettingsFetch = 0;
  private trackingSince: number | null = null;
  private nextTestShot: number | null = null;
  private shots: RecordedShot[] = [];
  private current: WindowInfo | null = null;
  /** Screenshot uploads under way, by shot id: whether each ended stored (see deleteScreenshot). */
  private readonly uploadingShots = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: AgentDeps, private readonly queue: RecordQueue, private readonly history: History) {
    this.clock = deps.clock ?? systemClock;
    this.tuning = deps.tuning ?? Tuning.parse({});
    this.meter = new ResourceMeter({ clock: this.clock });
    this.presence = new PresencePlanner({ clock: this.clock, everyMs: this.tuning.heartbeatEveryMs });
    this.tracker = new Tracker({
      clock: this.clock,
      sink: teeSink(queue, history),
      settings: CAUTIOUS_SETTINGS,
      idlePrompt: deps.idlePrompt,
      entryEveryMs: this.tuning.entryEveryMs,
      // The history keeps every item's latest revision, acknowledged or not: today's entries show
      // after a restart and an open slot goes on under its id.
      restore: history.view().items,
      onStateChange: (state) => this.stateChanged(state),
    });
    this.scheduler = new ScreenshotScheduler({
      isExcluded: () => this.focusExcluded(),
      // Shots already taken in a slot before a restart still count towards the server's limit.
      alreadyTaken: (slotStart) => this.takenIn(slotStart),
    });
  }

  /** The focused window (as the loop last read it) matches an exclusion: no screenshot now. */
  private focusExcluded(): boolean {
    return this.current !== null && this.tracker.isExcluded(this.current);
  }

  /** Capture moments already taken in a slot (a moment's shots on several displays count once). */
  private takenIn(slotStart: number): number {
    return new Set(this.history.view().shots.filter((s) => Date.parse(s.slotStart) === slotStart).map((s) => s.takenAt)).size;
  }

  /** Settings cache, and the signed-in state of a previous run. */
  async init(credentials: Credentials | null) {
    this.settings = await SettingsCache.open({
      path: join(this.deps.dataDir, "settings.wts"),
      keyStore: this.deps.keyStore,
      api: { settings: (etag, signal) => this.requireApi().settings(etag, signal) },
      now: () => this.clock.now(),
    });
    this.settings.onChange((s) => {
      this.tracker.updateSettings(trackerSettingsOf(s));
      this.changed();
    });
    this.tracker.updateSettings(trackerSettingsOf(this.settings.current()));
    if (credentials) await this.connect(credentials);
  }

  /* ------------------------------------------------------------------------------- lifecycle */

  /** Starts the once-a-second loop (the CLI and the shell call it after createAgent). */
  run() {
    if (this.loop) return;
    this.loop = setInterval(() => void this.tick(), 1000);
    void this.tick();
  }

  private log(event: string, fields: Record<string, unknown> = {}) {
    this.deps.log?.({ event, at: new Date(this.clock.now()).toISOString(), ...fields });
  }

  private changed() {
    for (const l of this.listeners) l();
  }

  private requireApi(): ApiClient {
    if (!this.api) throw new Error("Not signed in.");
    return this.api;
  }

  private async connect(credentials: Credentials) {
    this.credentials = credentials;
    this.api = new ApiClient({
      server: credentials.server, token: credentials.deviceToken, clock: this.clock,
      allowInsecureHttp: this.deps.allowInsecureHttp,
      onSignedOut: () => void this.signedOutByServer(),
    });
    const api = this.api;
    this.presence.reset();
    this.heartbeats = new HeartbeatSender((hb) => api.heartbeat(hb));
    this.uploader = new Uploader({
      queue: this.queue, clock: this.clock,
      api: {
        uploadBatch: (items, signal) => api.uploadBatch(items, signal),
        uploadScreenshot: (shot, signal) => this.trackShotUpload(shot.shotId, api.uploadScreenshot(shot, signal)),
        get clockOffsetMs() { return api.clockOffsetMs; },
      },
      pollMs: this.tuning.uploadEveryMs,
      coalesceMs: Math.min(2_000, this.tuning.uploadEveryMs),
      onEvent: (e) => this.uploadEvent(e),
    });
    this.uploader.onStatus(() => this.changed());
    this.uploader.start();
    if (this.tracker.currentState === "signed_out") await this.tracker.handle({ type: "signIn" });
    void this.refreshSettings();
  }

  private trackShotUpload<T>(shotId: string, upload: Promise<T>): Promise<T> {
    const stored = upload.then(() => true, () => false);
    this.uploadingShots.set(shotId, stored);
    void stored.then(() => {
      if (this.uploadingShots.get(shotId) === stored) this.uploadingShots.delete(shotId);
    });
    return upload;
  }

  private uploadEvent(e: UploadEvent) {
    switch (e.type) {
      case "uploaded":
        for (const s of this.shots) s.uploaded ||= !this.queue.holds(s.shotId);
        this.log("synced", { items: e.items, screenshots: e.screenshots, pending: this.queue.stats().records });
        break;
      case "retrying":
        this.log("offline", { error: e.error.message, retryInMs: e.delayMs, pending: this.queue.stats().records });
        break;
      case "rejected":
        this.log("rejected", { id: e.id, kind: e.kind, code: e.code, detail: e.detail });
        break;
      case "deferred":
        this.log("deferred", { id: e.id, code: e.code });
        break;
      case "signed_out":
        break; // onSignedOut handles it
    }
    this.changed();
  }

  private async refreshSettings() {
    if (!this.api) return;
    this.lastSettingsFetch = this.clock.now();
    try {
      await this.settings.refresh();
    } catch (e) {
      // Offline start: the cached settings stay in force.
      this.log("settings_unavailable", { error: (e as Error).message });
    }
  }

  private async signedOutByServer() {
    this.log("signed_out", { reason: "The server no longer accepts this device (revoked or expired)." });
    await this.dropCredentials();
  }

  private async dropCredentials() {
    if (this.tracker.currentState !== "signed_out") await this.tracker.handle({ type: "signOut" });
    await this.uploader?.dispose();
    this.uploader = null;
    this.heartbeats = null;
    this.api = null;
    this.credentials = null;
    await forgetCredentials(this.deps.dataDir);
    await this.settings.clear();
    this.changed();
  }

  private stateChanged(state: string) {
    if (state === "tracking" && this.trackingSince === null) {
      this.trackingSince = this.clock.now();
      if (this.tuning.firstScreenshotAfterMs !== undefined) this.nextTestShot = this.trackingSince + this.tuning.firstScreenshotAfterMs;
    }
    if (state === "stopped" || state === "signed_out") this.trackingSince = null;
    this.log(state);
    // The tracker announces a state before it has finished the command (on start, before the new
    // entry exists): the heartbeat is built once the command is done.
    queueMicrotask(() => this.reportPresence());
    this.changed();
  }

  /**
   * Sends a heartbeat if one is due (presence.ts decides: state, timer or app changed, or the
   * periodic one). Presence is only worth sending now: heartbeats are not queued.
   */
  private reportPresence() {
    if (!this.heartbeats) return;
    const hb = this.presence.next(this.tracker.snapshot());
    if (hb) this.heartbeats.send(hb);
  }

  /* -------------------------------------------------------------------------------- the loop */

  private async tick() {
    if (this.ticking) return; // a slow collector must not pile ticks up; the tracker counts the gap
    this.ticking = true;
    try {
      const { idle, window } = this.deps.collectors;
      // A failing sample (tool missing for a moment, no focus) is a gap, never a crash.
      const [idleSeconds, focused] = await Promise.all([idle.idleSeconds().catch(() => null), window.activeWindow().catch(() => null)]);
      this.current = focused;
      await this.tracker.tick({ idleSeconds, window: focused });
      this.meter.sample();
      await this.screenshots();
      // A new focused app, a rule's project switch, or the periodic heartbeat.
      this.reportPresence();
      const now = this.clock.now();
      if (this.api && now - this.lastSettingsFetch >= this.tuning.settingsEveryMs) void this.refreshSettings();
      this.changed();
    } catch (e) {
      this.log("error", { error: (e as Error).message });
    } finally {
      this.ticking = false;
    }
  }

  private async screenshots() {
    const cached = this.settings.current();
    if (!cached || !this.credentials || this.capturing) return;
    const now = this.clock.now();
    const tracking = this.tracker.currentState === "tracking";
    const excluded = this.focusExcluded();
    if (this.tuning.firstScreenshotAfterMs !== undefined) {
      // Test cadence (tuning.ts): a fixed rhythm instead of random moments in 10-minute slots.
      if (this.nextTestShot === null || now < this.nextTestShot || !tracking || cached.settings.screenshotsPerSlot === 0) return;
      this.nextTestShot = now + (this.tuning.screenshotEveryMs ?? 60_000);
      if (excluded) this.log("screenshot_skipped", { reason: "excluded" });
      // The server takes screenshotsPerSlot moments per 10-minute slot; the test rhythm keeps to it.
      else if (this.takenIn(slotStartOf(now)) >= cached.settings.screenshotsPerSlot) this.log("screenshot_skipped", { reason: "slot_full" });
      else await this.capture(cached);
      return;
    }
    for (const d of this.scheduler.tick(now, { tracking, perSlot: cached.settings.screenshotsPerSlot })) {
      if (d.action === "capture") await this.capture(cached);
      else if (d.reason === "excluded") this.log("screenshot_skipped", { reason: d.reason, moment: new Date(d.moment).toISOString() });
    }
  }

  private async capture(cached: AgentSettings) {
    const creds = this.credentials;
    if (!creds) return;
    this.capturing = true;
    try {
      const snap = this.tracker.snapshot();
      const slot = snap.slot;
      const activity = slot && slot.trackedSeconds > 0 ? Math.round((slot.activeSeconds / slot.trackedSeconds) * 100) : null;
      const sealed = await takeScreenshots(
        { screen: this.deps.collectors.screen, clock: this.clock, key: { workspaceId: creds.workspaceId, memberId: creds.memberId, publicKey: cached.screenshotPublicKey } },
        { blur: cached.settings.screenshotBlur, activity, app: snap.current?.app ?? null },
      );
      for (const shot of sealed) {
        await this.queue.append(shot.record);
        await this.history.append(shot.record);
        this.shots = [{ shotId: shot.record.shotId, takenAt: shot.record.takenAt, app: shot.record.app, thumbnail: shot.thumbnail, uploaded: false }, ...this.shots].slice(0, RECENT_SHOTS);
        this.log("screenshot", {
          shotId: shot.record.shotId, display: shot.record.display, width: shot.width, height: shot.height,
          // What is stored and uploaded: the sealed envelopes (base64 in the queue record).
          sealedBytes: Buffer.byteLength(shot.record.full, "base64"), sealedThumbBytes: Buffer.byteLength(shot.record.thumb, "base64"),
        });
      }
    } catch (e) {
      this.log("screenshot_failed", { error: (e as Error).message });
    } finally {
      this.capturing = false;
    }
  }

  /* -------------------------------------------------------------------------------- facade */

  status(): AgentStatus {
    const snap = this.tracker.snapshot();
    const up = this.uploader?.status();
    return {
      state: snap.state,
      // Names are not part of the agent settings yet; the shell shows the workspace id's absence as "—".
      workspaceName: null,
      memberName: null,
      todaySeconds: snap.todaySeconds,
      running: snap.running ? { since: snap.running.since, projectId: snap.running.projectId, taskId: snap.running.taskId, note: snap.running.note } : null,
      current: this.current,
      pendingUploads: this.queue.stats().records,
      online: up?.online ?? false,
      lastSyncAt: up?.lastSyncAt ? new Date(up.lastSyncAt).toISOString() : null,
    };
  }

  async signIn(input: SignIn): Promise<void> {
    if (this.credentials) throw new Error("Already signed in; sign out first.");
    const api = new ApiClient({ server: input.server, clock: this.clock, allowInsecureHttp: this.deps.allowInsecureHttp });
    const registered = "code" in input
      ? await api.register({ code: input.code, device: this.deps.device })
      : await api.register({ email: input.email, password: input.password, totpCode: input.totpCode, workspaceId: input.workspaceId, device: this.deps.device });
    const credentials: Credentials = {
      server: input.server, deviceToken: registered.deviceToken, deviceId: registered.deviceId,
      workspaceId: registered.workspaceId, memberId: registered.memberId,
    };
    await saveCredentials(this.deps.dataDir, this.deps.keyStore, credentials);
    await this.connect(credentials);
    this.log("signed_in", { workspaceId: credentials.workspaceId, deviceId: credentials.deviceId });
    this.changed();
  }

  async signOut(): Promise<void> {
    if (this.tracker.currentState !== "signed_out") await this.tracker.handle({ type: "signOut" });
    await this.uploader?.flush(FLUSH_ON_SIGN_OUT_MS);
    await this.dropCredentials();
  }

  get signedIn(): boolean {
    return this.credentials !== null;
  }

  async start(opts: StartOptions): Promise<void> {
    await this.tracker.handle({ type: "start", ...opts });
    // Switching project or task while tracking is no state change, but the board shows it.
    this.reportPresence();
  }

  async stop(): Promise<void> {
    const state = this.tracker.currentState;
    if (state === "tracking" || state === "idle") await this.tracker.handle({ type: "stop" });
  }

  today(): TodayEntry[] {
    return this.tracker.today();
  }

  pendingIdle(): PendingIdle[] {
    return this.tracker.pendingIdle();
  }

  resolveIdle(id: string, decision: IdleDecision): Promise<void> {
    return this.tracker.resolveIdle(id, decision);
  }

  recent() {
    const usage = this.tracker.recentUsage().map((u) => ({ app: u.app, title: u.title ?? null, url: u.url ?? null, start: u.start, end: u.end }));
    return { usage, shots: this.shots };
  }

  async deleteScreenshot(shotId: string): Promise<void> {
    if (!this.permissions().deleteScreenshots) throw new Error("This workspace does not let members delete screenshots.");
    // Not uploaded yet: it simply never leaves the machine. Unless its upload was already under way
    // (discarding cannot recall it): if that upload lands, the server must delete it like any other.
    const discarded = await this.queue.discard(shotId);
    const uploading = this.uploadingShots.get(shotId);
    if (!discarded || (uploading && (await uploading))) await this.requireApi().deleteScreenshot(shotId);
    this.shots = this.shots.filter((s) => s.shotId !== shotId);
    this.log("screenshot_deleted", { shotId });
    this.changed();
  }

  resources(): ResourceUsage {
    return this.meter.sample();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  projects(): ProjectChoice[] {
    return this.settings.current()?.projects ?? [];
  }

  permissions(): AgentPermissions {
    return { deleteScreenshots: this.settings.current()?.settings.screenshotDeletion === "allowed" };
  }

  async systemEvent(event: SystemEvent): Promise<void> {
    await this.tracker.handle({ type: "system", event });
  }

  async flush(timeoutMs: number): Promise<{ pending: number }> {
    await this.uploader?.flush(timeoutMs);
    return { pending: this.queue.stats().records };
  }

  async close(): Promise<void> {
    if (this.loop) clearInterval(this.loop);
    this.loop = null;
    const state = this.tracker.currentState;
    if (state === "tracking" || state === "idle") await this.tracker.handle({ type: "exit" });
    await this.uploader?.dispose();
    await this.queue.close();
    await this.history.close();
    await this.deps.collectors.close?.();
  }
}
