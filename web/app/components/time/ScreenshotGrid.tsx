import { Card, EmptyState } from "../ui";

/** One screenshot as the timesheet shows it; the images are decrypted by the Worker on request. */
export interface ShotTile {
  id: string;
  thumbUrl: string;
  fullUrl: string;
  time: string;
  app: string | null;
  activityPct: number | null;
}

/** Thumbnails of the period; each links to the full image (every full view is audited). */
export function ScreenshotGrid({ shots }: { shots: ShotTile[] | null }) {
  if (shots === null) return null;
  return (
    <Card title="Screenshots" description="Encrypted on the device; opening a full image is recorded and visible to the member.">
      {shots.length === 0 ? <EmptyState title="No screenshots in this period." /> : (
        <ul className="shot-grid">
          {shots.map((s) => (
            <li key={s.id} className="shot">
              <a href={s.fullUrl} target="_blank" rel="noreferrer">
                <img src={s.thumbUrl} alt={`Screenshot at ${s.time}${s.app ? ` in ${s.app}` : ""}`} loading="lazy" width={240} height={135} />
              </a>
              <span className="small">{s.time}{s.app ? ` · ${s.app}` : ""}{s.activityPct !== null ? ` · ${s.activityPct}%` : ""}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
