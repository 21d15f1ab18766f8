import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Logo } from "./Logo";

export interface AuthLayoutProps {
  /** The card's <h1>, e.g. "Sign in to Worktrail". */
  title: ReactNode;
  /** One line under the title. */
  description?: ReactNode;
  /** Links under the card, e.g. "No account? Create one". */
  footer?: ReactNode;
  children: ReactNode;
}

/** The centred single-card page for sign-in, sign-up, password reset and similar. */
export function AuthLayout({ title, description, footer, children }: AuthLayoutProps) {
  return (
    <div className="auth-page">
      <main className="auth-main">
        <Link to="/" className="auth-logo"><Logo /></Link>
        <div className="auth-card">
          <h1 className="auth-title">{title}</h1>
          {description ? <p className="auth-description">{description}</p> : null}
          <div className="auth-body">{children}</div>
        </div>
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
    </div>
  );
}
