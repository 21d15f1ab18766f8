/**
 * The board: a grid with table semantics (role="table", column headers, the member's name as row
 * header), not a <table>, because a table lays out as one block: every second, when the running
 * timers tick, the browser would re-lay out all 500 rows. Grid rows are laid out each on its own,
 * with fixed column widths, and rows out of view skip rendering altogether
 * (content-visibility: auto in live.css), so a tick costs what the visible rows cost.
 *
 * One row group per status, each sorted by name: a member whose status changes leaves one group
 * and joins another, which is one removal and one insertion in the DOM. In a single sorted list a
 * row moving up makes React move every row it passes (hundreds of DOM moves, each of which the
 * page's mutation observers then inspect).
 *
 * Columns the viewer's scope never covers (activity, apps, screenshots) are not rendered at all.
 */
import { LIVE_STATUSES, type LiveMember, type LiveStatus } from "../../../../worker/contract/live";
import { STATUS_ORDER } from "../../lib/live/filters";
import { workLabel, type DirectoryIndex } from "../../lib/live/directoryIndex";
import { LiveRow, type LiveColumns } from "./LiveRow";

export interface LiveBoardTableProps {
  rows: readonly LiveMember[];
  index: DirectoryIndex;
  columns: LiveColumns;
  workspaceId: string;
}

const CAPTION_ID = "live-board-caption";

const GROUPS = [...LIVE_STATUSES].sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b]);

/** Rows (sorted by status, then name) split by status, keeping the order within each. */
function byStatus(rows: readonly LiveMember[]): Record<LiveStatus, LiveMember[]> {
  const out: Record<LiveStatus, LiveMember[]> = { tracking: [], idle: [], stopped: [], offline: [] };
  for (const r of rows) out[r.status].push(r);
  return out;
}

export function LiveBoardTable({ rows, index, columns, workspaceId }: LiveBoardTableProps) {
  const groups = byStatus(rows);
  const classes = ["live-grid", columns.activity && "has-activity", columns.apps && "has-apps", columns.screenshots && "has-shots"];
  return (
    <div className="table-wrap">
      <p id={CAPTION_ID} className="sr-only">Members and what they are working on, updated live. Sorted by status, then name.</p>
      <div role="table" aria-labelledby={CAPTION_ID} className={classes.filter(Boolean).join(" ")}>
        <div role="rowgroup" className="live-head">
          <div role="row" className="live-grid-row">
            <div role="columnheader" className="live-cell">Status</div>
            <div role="columnheader" className="live-cell">Member</div>
            <div role="columnheader" className="live-cell">Project / task</div>
            <div role="columnheader" className="live-cell num">Timer</div>
            <div role="columnheader" className="live-cell num">Today</div>
            {columns.activity ? <div role="columnheader" className="live-cell">Activity</div> : null}
            {columns.apps ? <div role="columnheader" className="live-cell">App or site</div> : null}
            {columns.screenshots ? <div role="columnheader" className="live-cell">Screenshot</div> : null}
          </div>
        </div>
        {GROUPS.map((status) => (
          <div key={status} role="rowgroup" className="live-body">
            {groups[status].map((row) => {
              const work = workLabel(row, index);
              return (
                <LiveRow key={row.memberId} row={row} workspaceId={workspaceId}
                  name={index.members.get(row.memberId)?.name ?? null}
                  project={work.project} task={work.task} client={work.client}
                  showActivity={columns.activity} showApps={columns.apps} showScreenshots={columns.screenshots} />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
