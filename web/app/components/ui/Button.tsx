import { Link } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";
import { cx } from "./cx";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "sm" | "md" | "lg";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Visual weight: primary (one per view), secondary (default), danger (destructive), ghost (quiet). */
  variant?: ButtonVariant;
  /** sm for table rows, md default, lg for the main call to action of a page. */
  size?: ButtonSize;
  /** When set, renders a Remix <Link> to this path styled as a button instead of a <button>. */
  to?: string;
  /** Stretches to the full width of its container (auth forms, mobile). */
  block?: boolean;
  children: ReactNode;
}

/**
 * A button, or a link that looks like one. `type` defaults to "submit" so buttons inside a
 * <Form> submit without JavaScript; pass type="button" for buttons that must not.
 */
export function Button({ variant = "secondary", size = "md", to, block, className, children, type = "submit", ...rest }: ButtonProps) {
  const classes = cx("btn", `btn-${variant}`, `btn-${size}`, block && "btn-block", className);
  if (to !== undefined) {
    return (
      <Link to={to} className={classes} aria-label={rest["aria-label"]} title={rest.title} id={rest.id}>
        {children}
      </Link>
    );
  }
  return (
    <button type={type} className={classes} {...rest}>
      {children}
    </button>
  );
}
