/**
 * The read-only tracking settings, written as what the desktop app records about the reader: the
 * privacy promise every member can check. Shown to everyone who may read but not change them.
 */
import type { TrackingSettings } from "../../../../worker/services/tracking/settings";
import { Badge } from "../ui";
import { IDLE_POLICY_FOR_MEMBER, MANUAL_TIME_FOR_MEMBER, secondsToMinutes } from "./trackingLabels";

export interface TrackingSummaryProps {
  settings: Omit<TrackingSettings, "updatedAt">;
  /** The owner's privacy toggles: whether managers (not only owners) see screenshots, apps and sites. */
  managersSee: { screenshots: boolean; apps: boolean };
}

/** One line of the promise; `recorded` (when set) adds a Recorded / Not recorded badge. */
interface Statement {
  title: string;
  recorded?: boolean;
  text: string;
}

const MANAGERS = "you, the workspace owners and the managers responsible for you (executive managers, your team managers and the managers of your projects)";
const OWNERS = "only you and the workspace owners";

function screenshotText(s: TrackingSummaryProps["settings"]): string {
  if (s.screenshotsPerSlot === 0) return "No screenshots are taken.";
  const count = s.screenshotsPerSlot === 1 ? "One screenshot" : `Up to ${s.screenshotsPerSlot} screenshots`;
  return [
    `${count} in each 10 minutes of tracked time, at random moments${s.screenshotBlur ? ", blurred so text cannot be read" : ""}.`,
    "They are encrypted on your computer before upload.",
    `They are deleted after ${s.screenshotRetentionDays} days.`,
    s.screenshotDeletion === "allowed"
      ? "You may delete your own screenshots; the 10 minutes of time they belong to are removed with them."
      : "You cannot delete them yourself.",
  ].join(" ");
}

function statements({ settings: s, managersSee }: TrackingSummaryProps): Statement[] {
  const idleMinutes = secondsToMinutes(s.idleThresholdSeconds);
  return [
    { title: "Activity", recorded: true, text: "Whether the keyboard or mouse was used in each second. Never which keys you press, what you type or where you click." },
    { title: "Screenshots", recorded: s.screenshotsPerSlot > 0, text: screenshotText(s) },
    { title: "Apps", recorded: s.trackApps, text: s.trackApps ? "The name of the app you use and for how long." : "The apps you use are not recorded." },
    { title: "Window titles", recorded: s.trackApps && s.captureTitles, text: s.trackApps && s.captureTitles ? "The title of the window you use, such as a document's name." : "Window titles are not recorded." },
    { title: "Websites", recorded: s.trackUrls, text: s.trackUrls ? "The site and page you visit, never the part of the address after ? or #." : "The websites you visit are not recorded." },
    { title: "Idle time", text: `After ${idleMinutes} minutes without keyboard or mouse use the time counts as idle. ${IDLE_POLICY_FOR_MEMBER[s.idlePolicy]}.` },
    { title: "Manual time", text: `${MANUAL_TIME_FOR_MEMBER[s.manualTime]}.` },
    { title: "Who sees your screenshots", text: `Within this workspace: ${managersSee.screenshots ? MANAGERS : OWNERS}.` },
    { title: "Who sees your apps and sites", text: `Within this workspace: ${managersSee.apps ? MANAGERS : OWNERS}.` },
  ];
}

function Chips({ label, items }: { label: string; items: readonly string[] }) {
  if (!items.length) return null;
  return (
    <div className="stack gap-1">
      <p className="promise-title">{label}</p>
      <ul className="chips" aria-label={label}>
        {items.map((x) => <li key={x}><Badge>{x}</Badge></li>)}
      </ul>
    </div>
  );
}

export function TrackingSummary(props: TrackingSummaryProps) {
  const { exclusions } = props.settings;
  const none = !exclusions.apps.length && !exclusions.domains.length && !exclusions.titleKeywords.length;
  return (
    <div className="stack gap-3">
      <dl className="promise-list">
        {statements(props).map((p) => (
          <div key={p.title} className="promise">
            <dt className="promise-title">
              {p.title}{" "}
              {p.recorded === undefined ? null : p.recorded ? <Badge tone="info">Recorded</Badge> : <Badge tone="neutral">Not recorded</Badge>}
            </dt>
            <dd className="promise-text">{p.text}</dd>
          </div>
        ))}
      </dl>
      <div className="stack gap-2">
        <h3 className="promise-title">Never recorded</h3>
        {none ? (
          <p className="muted">This workspace has no exclusions.</p>
        ) : (
          <>
            <p className="muted">Nothing is recorded while these are in use, not even a screenshot.</p>
            <Chips label="Apps" items={exclusions.apps} />
            <Chips label="Websites (and their subdomains)" items={exclusions.domains} />
            <Chips label="Windows whose title contains" items={exclusions.titleKeywords} />
          </>
        )}
      </div>
    </div>
  );
}
