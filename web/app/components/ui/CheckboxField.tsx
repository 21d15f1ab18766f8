import type { InputHTMLAttributes, ReactNode } from "react";
import { cx } from "./cx";
import { describedBy, fieldIds } from "./fieldIds";
import { FieldMessages } from "./FieldParts";

export interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type"> {
  /** Visible label next to the box, tied with htmlFor. */
  label: ReactNode;
  /** Form field name; unchecked boxes are not submitted, so parse with a default of false. */
  name: string;
  /** Help text under the label. */
  hint?: ReactNode;
  /** Error message for this field. */
  error?: string;
  /** Class for the wrapper <div>. */
  className?: string;
}

/** A checkbox with its label on the right. `value` defaults to "on"; every other prop goes to the <input>. */
export function CheckboxField({ label, name, hint, error, className, id, ...rest }: CheckboxFieldProps) {
  const ids = fieldIds(name, id);
  return (
    <div className={cx("field field-check", error && "field-invalid", className)}>
      <div className="check-row">
        <input
          {...rest}
          id={ids.id}
          name={name}
          type="checkbox"
          className="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(ids, hint, error, rest["aria-describedby"])}
        />
        <label htmlFor={ids.id} className="check-label">{label}</label>
      </div>
      <FieldMessages hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
    </div>
  );
}
