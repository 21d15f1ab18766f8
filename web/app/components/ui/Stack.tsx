import type { ReactNode } from "react";
import { cx } from "./cx";

export type Gap = 0 | 1 | 2 | 3 | 4 | 6;

/** Children in a column with a gap in 8px steps (gap 2 = 16px, the default between form fields). */
export function Stack({ gap = 2, className, children }: { /** Gap in 8px units. */ gap?: Gap; className?: string; children: ReactNode }) {
  return <div className={cx("stack", `gap-${gap}`, className)}>{children}</div>;
}

/** Children in a wrapping row, e.g. a form's buttons. `end` pushes them to the right. */
export function Inline({ gap = 1, end, className, children }: { /** Gap in 8px units. */ gap?: Gap; /** Align to the right. */ end?: boolean; className?: string; children: ReactNode }) {
  return <div className={cx("inline", `gap-${gap}`, end && "inline-end", className)}>{children}</div>;
}
