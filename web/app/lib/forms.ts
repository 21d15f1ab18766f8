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

type ErrorOf<R> = R extends { error: infer E } ? E : never;

/** The `{ error }` an action returned (handleAction's 4xx shape), or undefined. */
export function actionError<R>(result: R): ErrorOf<R> | undefined {
  if (!result || typeof result !== "object" || !("error" in result)) return undefined;
  return (result as { error: ErrorOf<R> }).error;
}

/** The `{ ok }` success message an action returned, or undefined. */
export function actionOk(result: unknown): string | undefined {
  return result && typeof result === "object" && "ok" in result && typeof result.ok === "string" ? result.ok : undefined;
}
