/**
 * One member's row (ARIA row of the board's grid, see LiveBoardTable). Memoized on primitive props
 * plus the row object, which boardState keeps identical while nothing in it changed: a delta about
 * one member renders one row, not 500. Optional fields are absent (undefined) when the viewer's
 * scope does not cover them for this row and null when covered but unknown; both show a dash.
 */
import { memo, useRef } from "react";
import type { LiveMember } from "../../../../worker/contract/live";
import { STATUS_LABEL } from "../../lib/live/labels";
import { useOnScreen } from "../../lib/live/onScreen";
import { ElapsedCell, LastSeen, TodayCell } from "./LiveCells";

export interface LiveColumns {
  activity: boolean;
  apps: boolean;
  screenshots: boolean;
}

export interface LiveRowProps {
  row: LiveMember;
  workspaceId: string;
  /** null: the directory does not know this member yet (it is being reloaded). */
  name: string | null;
  project: string | null;
  task: string | null;
  client: string | null;
  showActivity: boolean;
  showApps: boolean;
  showScreenshots: boolean;
}

const dash = <span className="muted">—</span>;

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function WorkCell({ status, project, task, client }: Pick<LiveRowProps, "project" | "task" | "client"> & { status: LiveMember["status"] }) {
  if (project === null) return <div role="cell" className="live-cell live-work">{dash}<span className="sr-only">No project</span></div>;
  // When stopped or offline this is the last timer's project: shown, but quieter.
  const quiet = status === "stopped" || status === "offline";
  return (
    <div role="cell" className={quiet ? "live-cell live-work live-work-last" : "live-cell live-work"}>
      <span className="live-project">{project}{task ? <span className="live-task"> / {task}</span> : null}</span>
      {client ? <span className="live-client">{client}</span> : null}
    </div>
  );
}

function ActivityCell({ percent }: { percent: number | null | undefined }) {
  if (percent === null || percent === undefined) return <div role="cell" className="live-cell live-activity">{dash}</div>;
  // Width by a class per 10 % step: the CSP forbids style attributes.
  const step = Math.round(percent / 10);
  return (
    <div role="cell" className="live-cell live-activity">
      <span className="live-bar" aria-hidden="true"><span className={`live-bar-fill live-bar-${step}`} /></span>
      <span className="live-pct">{percent}%</span>
    </div>
  );
}

function AppCell({ app }: { app: LiveMember["app"] }) {
  if (!app) return <div role="cell" className="live-cell live-app">{dash}</div>;
  const full = [app.name, app.title, app.url].filter(Boolean).join(" — ");
  return (
    <div role="cell" className="live-cell live-app" title={full}>
      <span className="live-app-name">{app.name}</span>
      {app.title || app.url ? <span className="live-app-detail">{app.title ?? app.url}</span> : null}
    </div>
  );
}

function ShotCell({ shot, workspaceId, name }: { shot: LiveMember["screenshot"]; workspaceId: string; name: string | null }) {
  if (!shot) return <div role="cell" className="live-cell live-shot">{dash}</div>;
  const base = `/api/v1/workspaces/${workspaceId}/screenshots/${shot.id}`;
  const at = timeOfDay.format(shot.takenAt);
  return (
    <div role="cell" className="live-cell live-shot">
      <a href={base} target="_blank" rel="noreferrer">
        <img src={`${base}?variant=thumb`} loading="lazy" decoding="async" width={64} height={36}
          alt={`Latest screenshot of ${name ?? "this member"}, ${at}`} />
      </a>
    </div>
  );
}

function LiveRowImpl(p: LiveRowProps) {
  const { row } = p;
  const ref = useRef<HTMLDivElement>(null);
  // Timers move only in rows that can be seen (onScreen.ts).
  const ticking = useOnScreen(ref);
  return (
    <div ref={ref} role="row" className={`live-grid-row live-row live-row-${row.status}`} data-member-id={row.memberId}>
      <div role="cell" className="live-cell live-status">
        <span className={`live-dot live-dot-${row.status}`} aria-hidden="true" />
        <span className="live-status-text">{STATUS_LABEL[row.status]}</span>
        {row.status === "offline" ? <LastSeen lastSeenAt={row.lastSeenAt} ticking={ticking} /> : null}
      </div>
      <div role="rowheader" className="live-cell live-name">
        {p.name ?? <span className="muted">Unknown member</span>}
        {row.source === "web" ? <span className="live-source">web timer</span> : null}
      </div>
      <WorkCell status={row.status} project={p.project} task={p.task} client={p.client} />
      <ElapsedCell row={row} ticking={ticking} />
      <TodayCell row={row} ticking={ticking} />
      {p.showActivity ? <ActivityCell percent={row.activityPercent} /> : null}
      {p.showApps ? <AppCell app={row.app} /> : null}
      {p.showScreenshots ? <ShotCell shot={row.screenshot} workspaceId={p.workspaceId} name={p.name} /> : null}
    </div>
  );
}

export const LiveRow = memo(LiveRowImpl);
