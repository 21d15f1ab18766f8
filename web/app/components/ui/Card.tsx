import type { ReactNode } from "react";
import { cx } from "./cx";

export interface CardProps {
  /** Heading shown in the card header (an <h2>); omit for a plain panel. */
  title?: ReactNode;
  /** One line under the title. */
  description?: ReactNode;
  /** Right-aligned slot in the header, e.g. a Button. */
  actions?: ReactNode;
  /** Footer row (muted background), e.g. form buttons. */
  footer?: ReactNode;
  /** Removes the body padding, for a DataTable that should touch the card's edges. */
  flush?: boolean;
  className?: string;
  children?: ReactNode;
}

/** A bordered white panel: the unit pages are built from. */
export function Card({ title, description, actions, footer, flush, className, children }: CardProps) {
  const hasHeader = title !== undefined || actions !== undefined;
  return (
    <section className={cx("card", className)}>
      {hasHeader ? (
        <header className="card-header">
          <div className="card-heading">
            {title !== undefined ? <h2 className="card-title">{title}</h2> : null}
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children !== undefined ? <div className={cx("card-body", flush && "card-body-flush")}>{children}</div> : null}
      {footer ? <footer className="card-footer">{footer}</footer> : null}
    </section>
  );
}
