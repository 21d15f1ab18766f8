import { NavLink } from "@remix-run/react";

export interface SettingsTabsProps {
  workspaceId: string;
  /** The General tab (name, time zone, privacy toggles) exists only for owners and executives. */
  showGeneral: boolean;
}

/**
 * The tab bar shared by the settings pages (General · Tracking · Rules). Plain links, so it works
 * without JavaScript; NavLink marks the current page with `active` and aria-current="page".
 */
export function SettingsTabs({ workspaceId, showGeneral }: SettingsTabsProps) {
  const base = `/w/${workspaceId}/settings`;
  const tabs = [
    ...(showGeneral ? [{ to: base, label: "General", end: true }] : []),
    { to: `${base}/tracking`, label: "Tracking", end: false },
    { to: `${base}/rules`, label: "Rules", end: false },
  ];
  return (
    <nav aria-label="Settings" className="tabs">
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end} className={({ isActive }) => (isActive ? "tab active" : "tab")}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}
