import { Link } from "@remix-run/react";
import { Inline } from "../ui";

/** Switches between the two account pages; the current one is marked for screen readers too. */
export function AccountNav({ current }: { current: "profile" | "security" }) {
  const item = (key: typeof current, to: string, label: string) => (
    <Link to={to} className={`btn btn-sm ${current === key ? "btn-primary" : "btn-ghost"}`} aria-current={current === key ? "page" : undefined}>{label}</Link>
  );
  return (
    <nav aria-label="Account sections">
      <Inline>
        {item("profile", "/account", "Profile")}
        {item("security", "/account/security", "Security")}
      </Inline>
    </nav>
  );
}
