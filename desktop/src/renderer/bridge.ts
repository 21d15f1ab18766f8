/**
 * The agent as the page sees it: window.worktrail, put there by the preload bridge. The page has no
 * Node and no Electron; this is its only way out.
 */
import type { IpcResult, WorktrailApi } from "../preload/api";

export const api: WorktrailApi = (globalThis as unknown as { worktrail: WorktrailApi }).worktrail;

/** The value of a successful answer; a failure becomes an Error carrying main's message. */
export async function unwrap<T>(call: Promise<IpcResult<T>>): Promise<T> {
  const r = await call;
  if (r.ok) return r.value;
  throw new Error(r.error.message);
}
