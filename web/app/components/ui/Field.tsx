import type { InputHTMLAttributes, ReactNode } from "react";
import { cx } from "./cx";
import { describedBy, fieldIds } from "./fieldIds";
import { FieldMessages, LabelText } from "./FieldParts";

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  /** Visible label, tied to the input with htmlFor. */
  label: ReactNode;
  /** Form field name; also the source of the input id when `id` is not given. */
  name: string;
  /** Help text under the input (announced through aria-describedby). */
  hint?: ReactNode;
  /** Error message for this field, e.g. fieldError(actionData?.error, name). */
  error?: string;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  /** Class for the wrapper <div>. */
  className?: string;
}

/** Label + input + hint + error. Every other prop goes to the <input>. */
export function Field({ label, name, hint, error, optional, className, id, type = "text", ...input }: FieldProps) {
  const ids = fieldIds(name, id);
  return (
    <div className={cx("field", error && "field-invalid", className)}>
      <label htmlFor={ids.id} className="field-label"><LabelText label={label} optional={optional} /></label>
      <input
        {...input}
        id={ids.id}
        name={name}
        type={type}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error, input["aria-describedby"])}
      />
      <FieldMessages hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
    </div>
  );
}
