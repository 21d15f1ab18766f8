/**
 * The seams of the agent core. Everything the core needs from the machine (clock, windows, input,
 * screens, disk, the network) comes through these interfaces, so the same core runs in Electron's
 * main process and in the headless Linux agent, and tests drive it with scripted implementations.
 * No keystroke content or key identity exists anywhere here: input is only "idle for N seconds".
 */

/** Milliseconds since the epoch; injectable so tests and the fault run control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The focused window, as the OS reports it. */
export interface WindowInfo {
  /** Application name (X11: WM_CLASS class; macOS: bundle name; Windows: exe name). */
  app: string;
  title: string | null;
  /** The page's URL for browsers where obtainable; reduced to scheme+host+path before it is kept. */
  url: string | null;
  pid: number | null;
}

export interface ActiveWindowCollector {
  /** null when no window has focus (locked screen, empty desktop) or the OS does not say. */
  activeWindow(): Promise<WindowInfo | null>;
}

export interface IdleCollector {
  /** Seconds since the last keyboard or mouse input, system-wide. */
  idleSeconds(): Promise<number>;
}

/** One display's image, in memory only: it is encrypted before anything touches disk. */
export interface CapturedScreen {
  display: number;
  width: number;
  height: number;
  /** Encoded image (JPEG) bytes. */
  image: Uint8Array;
  contentType: "image/jpeg" | "image/png" | "image/webp";
}

export interface ScreenCollector {
  /** Every display, compressed; `blur` applies the workspace's blur before compression. */
  capture(opts: { blur: boolean }): Promise<CapturedScreen[]>;
  /** A smaller copy of `screen` for the thumbnail (also in memory). */
  thumbnail(screen: CapturedScreen): Promise<CapturedScreen>;
}

export interface Collectors {
  window: ActiveWindowCollector;
  idle: IdleCollector;
  screen: ScreenCollector;
  /** Ends what the collectors keep running (the X11 window spy's children); the agent calls it on close. */
  close?(): Promise<void>;
}

/** Where the operating system tells the agent to stop tracking at once. */
export type SystemEvent = "suspend" | "lock-screen" | "shutdown" | "resume" | "unlock-screen";

/** Storage of the queue's data key: the OS keychain in Electron (safeStorage), a 0600 file headless. */
export interface KeyStore {
  /** The 32-byte key, created on first use. */
  loadOrCreateKey(): Promise<Uint8Array>;
}
