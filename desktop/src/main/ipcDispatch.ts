/**
 * The checks every IPC call goes through before it reaches the agent: who sent it (Electron's
 * checklist: validate the sender of all IPC messages), what it carries (ipcSchemas.ts), and how an
 * answer or failure travels back (IpcResult). Electron-free so it is tested in Node; ipc.ts feeds it
 * the Electron event's facts.
 */
import { z } from "zod";
import type { IpcResult } from "../preload/api";
import { isAppUrl } from "./appProtocol";

export interface SenderFacts {
  /** webContents id of the sender and of our window. */
  senderId: number;
  windowId: number | null;
  /** The sending frame, null when it is gone (navigated away or destroyed). */
  frame: { url: string; isTopFrame: boolean } | null;
}

/** Only the top frame of our own window, showing our packaged renderer, may talk to the agent. */
export function isTrustedSender(s: SenderFacts): boolean {
  return s.windowId !== null && s.senderId === s.windowId && s.frame !== null && s.frame.isTopFrame && isAppUrl(s.frame.url);
}

/** Validates `payload` and runs `fn` with the parsed value; never throws. */
export async function dispatch<T, R>(
  sender: SenderFacts,
  schema: z.ZodType<T>,
  payload: unknown,
  fn: (input: T) => R | Promise<R>,
): Promise<IpcResult<R>> {
  if (!isTrustedSender(sender)) return { ok: false, error: { code: "forbidden", message: "This window may not talk to the agent." } };
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return { ok: false, error: { code: "invalid_input", message: z.prettifyError(parsed.error) } };
  try {
    return { ok: true, value: await fn(parsed.data) };
  } catch (e) {
    return { ok: false, error: { code: "failed", message: e instanceof Error ? e.message : String(e) } };
  }
}
