import type { ErrorsLike } from "../../lib/forms";
import { Alert } from "./Alert";

export interface FormErrorProps {
  /** The action's `error` (a ProblemBody or anything with `detail`); nothing renders when absent. */
  error?: (ErrorsLike & { detail: string }) | null;
  /** Optional bold first line, e.g. "Could not save". */
  title?: string;
}

/**
 * The form-level message for a failed action. Field errors are shown next to their inputs
 * (fieldError), so this only shows the summary `detail`.
 */
export function FormError({ error, title }: FormErrorProps) {
  if (!error) return null;
  return <Alert tone="danger" title={title}>{error.detail}</Alert>;
}
