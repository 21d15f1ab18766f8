import type { ReactNode, TextareaHTMLAttributes } from "react";
import { cx } from "./cx";
import { describedBy, fieldIds } from "./fieldIds";
import { FieldMessages, LabelText } from "./FieldParts";

export interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  /** Visible label, tied to the textarea with htmlFor. */
  label: ReactNode;
  /** Form field name; also the source of the id when `id` is not given. */
  name: string;
  /** Help text under the textarea. */
  hint?: ReactNode;
  /** Error message for this field. */
  error?: string;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  /** Class for the wrapper <div>. */
  className?: string;
}

/** Label + textarea + hint + error. Every other prop goes to the <textarea>. */
export function TextAreaField({ label, name, hint, error, optional, className, id, rows = 4, ...rest }: TextAreaFieldProps) {
  const ids = fieldIds(name, id);
  return (
    <div className={cx("field", error && "field-invalid", className)}>
      <label htmlFor={ids.id} className="field-label"><LabelText label={label} optional={optional} /></label>
      <textarea
        {...rest}
        id={ids.id}
        name={name}
        rows={rows}
        className="input textarea"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error, rest["aria-describedby"])}
      />
      <FieldMessages hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
    </div>
  );
}
