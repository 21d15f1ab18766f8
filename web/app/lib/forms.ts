/**
 * Client-safe form helpers (no server imports), shared by pages and the UI components.
 * forms.server.ts re-exports these so there is exactly one copy.
 */

/** The shape of a field error in a problem+json body (see worker/http/problem.ts). */
export interface FieldErrorLike {
  field: string;
  message: string;
}

/** Anything that may carry field errors: a ProblemBody, an action's `error`, or nothing. */
export interface ErrorsLike {
  errors?: readonly FieldErrorLike[];
}

/** The message for one field, for rendering next to an input. */
export function fieldError(err: ErrorsLike | null | undefined, field: string): string | undefined {
  return err?.errors?.find((e) => e.field === field)?.message;
}
