/**
 * How a request to the server can fail, in three kinds the uploader treats differently:
 * - NetworkError: the server was not reached or did not answer in time (offline, refused, timeout,
 *   or the caller gave up). Nothing is known about the outcome; retrying is safe (ingest is idempotent).
 * - ApiError: the server answered with an error (problem+json, worker/http/problem.ts). `code` is the
 *   stable code; 401 invalid_device_token / device_token_expired means the agent is signed out.
 * - ProtocolError: the server answered 2xx with something that is not the contract's shape.
 */
export const SIGNED_OUT_CODES = ["invalid_device_token", "device_token_expired"] as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    /** From Retry-After (seconds or an HTTP date), in ms from now; null when absent. */
    readonly retryAfterMs: number | null,
    readonly fieldErrors: { field: string; code: string; message: string }[] = [],
    readonly requestId: string | null = null,
  ) {
    super(detail || `HTTP ${status} ${code}`);
    this.name = "ApiError";
  }

  /** The device token no longer works: sign in again (nothing will succeed until then). */
  get signedOut(): boolean {
    return this.status === 401 && (SIGNED_OUT_CODES as readonly string[]).includes(this.code);
  }

  /** Worth retrying later unchanged: rate limits, timeouts and server-side failures. */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export type NetworkFailure = "refused" | "timeout" | "aborted" | "unreachable";

export class NetworkError extends Error {
  constructor(readonly failure: NetworkFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }
}

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

export const isSignedOut = (e: unknown): e is ApiError => e instanceof ApiError && e.signedOut;

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The transport failure as a NetworkError: what the agent tells the user is "offline", with the reason. */
export function toNetworkError(e: unknown, callerSignal: AbortSignal | undefined): NetworkError {
  if (callerSignal?.aborted) return new NetworkError("aborted", "The request was cancelled.", { cause: e });
  const name = (e as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return new NetworkError("timeout", "The server did not answer in time.", { cause: e });
  const code = (e as { cause?: { code?: string } } | null)?.cause?.code;
  if (code === "ECONNREFUSED") return new NetworkError("refused", "The server refused the connection (not running, or the address is wrong).", { cause: e });
  return new NetworkError("unreachable", `The server cannot be reached${code ? ` (${code})` : ""}.`, { cause: e });
}
