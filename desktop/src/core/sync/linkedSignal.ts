/**
 * An AbortSignal that fires when a parent fires, after an optional timeout, or on demand, and that
 * detaches from the parent when disposed. Used instead of AbortSignal.any because the parents here
 * live as long as the agent (the uploader's loop signal) and Node 20 keeps every dependent signal
 * registered on its parent; one per request would accumulate over days of uptime.
 */
export interface LinkedSignal {
  signal: AbortSignal;
  abort(reason?: unknown): void;
  dispose(): void;
}

export function linkedSignal(parent: AbortSignal | undefined, timeoutMs?: number): LinkedSignal {
  const ctrl = new AbortController();
  const onParent = () => ctrl.abort(parent?.reason);
  if (parent?.aborted) ctrl.abort(parent.reason);
  else parent?.addEventListener("abort", onParent, { once: true });
  const timer = timeoutMs === undefined
    ? null
    : setTimeout(() => ctrl.abort(new DOMException("The operation timed out.", "TimeoutError")), timeoutMs);
  return {
    signal: ctrl.signal,
    abort: (reason) => ctrl.abort(reason),
    dispose: () => {
      if (timer) clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}
