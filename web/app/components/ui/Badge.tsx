import type { ReactNode } from "react";
import { cx } from "./cx";

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "info" | "accent";

export interface BadgeProps {
  /** Colour by meaning: success (active), warning (pending), danger (removed), info, accent, neutral. */
  tone?: BadgeTone;
  className?: string;
  children: ReactNode;
}

/** A small pill for a status or a category. */
export function Badge({ tone = "neutral", className, children }: BadgeProps) {
  return <span className={cx("badge", `badge-${tone}`, className)}>{children}</span>;
}
