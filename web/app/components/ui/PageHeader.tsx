import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export interface Crumb {
  label: string;
  to?: string;
}

export interface PageHeaderProps {
  /** The page's <h1>. */
  title: ReactNode;
  /** One or two lines under the title. */
  description?: ReactNode;
  /** Right-aligned buttons (wrap under the title on narrow screens). */
  actions?: ReactNode;
  /** Trail above the title, e.g. [{label: "Projects", to: "../projects"}, {label: "Website"}]. */
  breadcrumbs?: readonly Crumb[];
}

/** The top of every page: breadcrumbs, title, description and the page's main actions. */
export function PageHeader({ title, description, actions, breadcrumbs }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header-text">
        {breadcrumbs?.length ? (
          <nav aria-label="Breadcrumb" className="breadcrumbs">
            <ol>
              {breadcrumbs.map((c, i) => (
                <li key={`${i}-${c.label}`}>
                  {c.to ? <Link to={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}
                </li>
              ))}
            </ol>
          </nav>
        ) : null}
        <h1 className="page-title">{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}
