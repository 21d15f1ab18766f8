import type { ReactNode } from "react";

/** The hint and error lines under an input; their ids are what aria-describedby points at. */
export function FieldMessages({ hint, error, hintId, errorId }: { hint?: ReactNode; error?: string; hintId: string; errorId: string }) {
  return (
    <>
      {hint ? <p id={hintId} className="field-hint">{hint}</p> : null}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </>
  );
}

/** The label text, with a quiet "optional" marker when the field is not required and asked for. */
export function LabelText({ label, optional }: { label: ReactNode; optional?: boolean }) {
  return (
    <>
      {label}
      {optional ? <span className="field-optional"> (optional)</span> : null}
    </>
  );
}
