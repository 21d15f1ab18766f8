/**
 * Form handling for actions: parse FormData with zod, run a service, and turn AppErrors into
 * `{ error }` data the page shows next to the fields (forms work without JavaScript).
 */
import { data } from "@remix-run/cloudflare";
import type { z } from "zod";
import { AppError, problemBody, zodFieldErrors, type ProblemBody } from "../../../worker/http/problem";
import { toResponse } from "./guards.server";

export type ActionError = { error: ProblemBody };

export async function readForm<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const form = await request.formData();
  const raw: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string") continue;
    if (k in raw) raw[k] = ([] as unknown[]).concat(raw[k], v);
    else raw[k] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError(422, "validation_failed", "Please correct the highlighted fields.", zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Runs `fn`; expected failures (4xx AppErrors) become `{ error }` with the same status. */
export async function handleAction<T>(fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Response) throw e;
    if (e instanceof AppError && e.status < 500 && e.status !== 404 && e.code !== "two_factor_required") {
      return data({ error: problemBody(e) } satisfies ActionError, { status: e.status, headers: e.headers });
    }
    throw toResponse(e);
  }
}

// One copy of the field-error lookup, client-safe, so components can use it too.
export { fieldError } from "./forms";
