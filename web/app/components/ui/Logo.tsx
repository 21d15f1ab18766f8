import { cx } from "./cx";

export interface LogoProps {
  /** Hide the word mark and show only the symbol (collapsed sidebar, favicon-like spots). */
  markOnly?: boolean;
  className?: string;
}

/** The Worktrail mark (a path through three waypoints) and word mark. Decorative SVG, text carries the name. */
export function Logo({ markOnly, className }: LogoProps) {
  return (
    <span className={cx("logo", className)}>
      <svg className="logo-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" className="logo-bg" />
        <path d="M8 22 L14 12 L19 18 L24 9" className="logo-path" />
        <circle cx="8" cy="22" r="2.2" className="logo-dot" />
        <circle cx="24" cy="9" r="2.2" className="logo-dot" />
      </svg>
      {markOnly ? <span className="sr-only">Worktrail</span> : <span className="logo-word">Worktrail</span>}
    </span>
  );
}
