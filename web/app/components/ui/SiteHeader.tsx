import { Link } from "@remix-run/react";
import { Button } from "./Button";
import { Logo } from "./Logo";
import { SignOutForm } from "./SignOutForm";

export interface SiteHeaderProps {
  /** The signed-in person, or null for visitors (shows Sign in / Create account). */
  user: { name: string } | null;
}

/** The top bar of pages outside a workspace: the home page and account pages. */
export function SiteHeader({ user }: SiteHeaderProps) {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" aria-label="Worktrail home"><Logo /></Link>
        <nav aria-label="Account" className="site-header-nav">
          {user ? (
            <>
              <span className="site-header-user">{user.name}</span>
              <Button to="/account" variant="ghost" size="sm">Account</Button>
              <SignOutForm />
            </>
          ) : (
            <>
              <Button to="/login" variant="ghost" size="sm">Sign in</Button>
              <Button to="/signup" variant="primary" size="sm">Create account</Button>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
