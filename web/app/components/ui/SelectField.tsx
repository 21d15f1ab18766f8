import type { ReactNode, SelectHTMLAttributes } from "react";
import { cx } from "./cx";
import { describedBy, fieldIds } from "./fieldIds";
import { FieldMessages, LabelText } from "./FieldParts";

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  /** Visible label, tied to the select with htmlFor. */
  label: ReactNode;
  /** Form field name; also the source of the id when `id` is not given. */
  name: string;
  /** The choices, in display order. */
  options: readonly SelectOption[];
  /** When set, a first empty option with this text (value ""), e.g. "No client". */
  placeholder?: string;
  /** Help text under the select. */
  hint?: ReactNode;
  /** Error message for this field. */
  error?: string;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  /** Class for the wrapper <div>. */
  className?: string;
}

/** Label + native <select> + hint + error. Every other prop (defaultValue, required...) goes to the <select>. */
export function SelectField({ label, name, options, placeholder, hint, error, optional, className, id, ...rest }: SelectFieldProps) {
  const ids = fieldIds(name, id);
  return (
    <div className={cx("field", error && "field-invalid", className)}>
      <label htmlFor={ids.id} className="field-label"><LabelText label={label} optional={optional} /></label>
      <select
        {...rest}
        id={ids.id}
        name={name}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error, rest["aria-describedby"])}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>{o.label}</option>
        ))}
      </select>
      <FieldMessages hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
    </div>
  );
}
