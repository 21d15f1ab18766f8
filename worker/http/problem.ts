/**
 * One error vocabulary (RFC 9457 problem+json). Services throw AppError; app.ts renders it.
 * `code` is stable and documented; `detail` is for humans; `errors` names offending fields.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldError[]) => new AppError(400, code, detail, errors);
export const validationFailed = (errors: FieldError[], detail = "The request has invalid fields.") =>
  new AppError(422, "validation_failed", detail, errors);
export const unauthorized = (code = "unauthenticated", detail = "Sign in to continue.") => new AppError(401, code, detail);
export const forbidden = (code = "forbidden", detail = "Your role does not allow this action.") => new AppError(403, code, detail);
/** Also used for ids the caller may not see and ids of other workspaces: no existence leak. */
export const notFound = (what = "resource") => new AppError(404, "not_found", `No such ${what}.`);
export const conflict = (code: string, detail: string, errors?: FieldError[]) => new AppError(409, code, detail, errors);
export const gone = (code: string, detail: string) => new AppError(410, code, detail);
export const tooManyRequests = (retryAfterSeconds: number, code = "too_many_attempts", detail = "Too many attempts. Try again later.") =>
  new AppError(429, code, detail, undefined, { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const payloadTooLarge = (limitBytes: number) =>
  new AppError(413, "payload_too_large", `The request body exceeds ${limitBytes} bytes.`);

export const TITLES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  409: "Conflict", 410: "Gone", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
  429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
}

export function problemBody(err: AppError, requestId?: string): ProblemBody {
  return {
    type: `https://worktrail.dev/problems/${err.code}`,
    title: TITLES[err.status] ?? "Error",
    status: err.status,
    code: err.code,
    detail: err.detail,
    ...(err.errors?.length ? { errors: err.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export function problemResponse(err: AppError, requestId?: string): Response {
  return new Response(JSON.stringify(problemBody(err, requestId)), {
    status: err.status,
    headers: { "content-type": "application/problem+json", ...(err.headers ?? {}) },
  });
}

/** zod issues -> field errors (path joined with dots). */
export function zodFieldErrors(issues: readonly { path: readonly PropertyKey[]; code: string; message: string; keys?: readonly string[] }[]): FieldError[] {
  return issues.flatMap((i) => {
    const base = i.path.map(String).join(".");
    // Unknown fields are reported one by one so the client sees each offending name.
    if (i.code === "unrecognized_keys" && i.keys?.length) {
      return i.keys.map((k) => ({ field: base ? `${base}.${k}` : k, code: "unknown_field", message: "Unknown field." }));
    }
    return [{ field: base || "(body)", code: i.code, message: i.message }];
  });
}
