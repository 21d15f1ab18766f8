import type { ReactNode } from "react";
import { cx } from "./cx";

export type AlertTone = "info" | "success" | "warning" | "danger";

export interface AlertProps {
  /** danger is announced at once (role="alert"); the others politely (role="status"). */
  tone?: AlertTone;
  /** Bold first line. */
  title?: ReactNode;
  className?: string;
  children?: ReactNode;
}

/** A message box for the result of an action or a notice about the page. */
export function Alert({ tone = "info", title, className, children }: AlertProps) {
  return (
    <div role={tone === "danger" ? "alert" : "status"} className={cx("alert", `alert-${tone}`, className)}>
      {title ? <p className="alert-title">{title}</p> : null}
      {children ? <div className="alert-body">{children}</div> : null}
    </div>
  );
}
