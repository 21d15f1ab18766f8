/**
 * Filtering, sorting and counting the board's rows in the browser (pure; unit-tested). The filters
 * live in the URL's search params (?team=&project=&status=) so a manager can bookmark a view; they
 * only narrow what the socket already sent, they never widen it.
 */
import { LIVE_STATUSES, type LiveMember, type LiveStatus } from "../../../../worker/contract/live";

export interface BoardFilters {
  team: string | null;
  project: string | null;
  status: LiveStatus | null;
}

export const noFilters: BoardFilters = { team: null, project: null, status: null };

const isStatus = (v: string): v is LiveStatus => (LIVE_STATUSES as readonly string[]).includes(v);
const idParam = (v: string | null) => (v && v.length <= 64 ? v : null);

/** Search params → filters; anything unknown or oversized is ignored rather than trusted. */
export function parseFilters(params: URLSearchParams): BoardFilters {
  const status = params.get("status");
  return { team: idParam(params.get("team")), project: idParam(params.get("project")), status: status && isStatus(status) ? status : null };
}

/** The page URL's search for `filters`, keeping any other params as they are. */
export function filtersSearch(filters: BoardFilters, current: URLSearchParams): string {
  const next = new URLSearchParams(current);
  for (const key of ["team", "project", "status"] as const) {
    const v = filters[key];
    if (v) next.set(key, v); else next.delete(key);
  }
  const s = next.toString();
  return s ? `?${s}` : "";
}

/** What the board needs to know about a member to filter and sort them. */
export interface MemberInfo {
  name: string;
  teamIds: readonly string[];
}

/** Working first, then idle, stopped, offline: the people a manager looks for come first. */
export const STATUS_ORDER: Record<LiveStatus, number> = { tracking: 0, idle: 1, stopped: 2, offline: 3 };

export interface StatusCounts extends Record<LiveStatus, number> {
  total: number;
}

const matchesScope = (row: LiveMember, info: MemberInfo | undefined, f: BoardFilters) =>
  (f.team === null || (info?.teamIds.includes(f.team) ?? false)) && (f.project === null || row.projectId === f.project);

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

export interface BoardView {
  /** Rows to show: every filter applied, sorted by status then name (unknown names last). */
  rows: LiveMember[];
  /** Counts for the team and project filters (not the status filter, so they read as a breakdown). */
  counts: StatusCounts;
}

export function boardView(members: Iterable<LiveMember>, info: ReadonlyMap<string, MemberInfo>, f: BoardFilters): BoardView {
  const counts: StatusCounts = { tracking: 0, idle: 0, stopped: 0, offline: 0, total: 0 };
  const rows: LiveMember[] = [];
  for (const row of members) {
    if (!matchesScope(row, info.get(row.memberId), f)) continue;
    counts[row.status]++;
    counts.total++;
    if (f.status === null || row.status === f.status) rows.push(row);
  }
  rows.sort((a, b) => {
    const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (byStatus) return byStatus;
    const an = info.get(a.memberId)?.name, bn = info.get(b.memberId)?.name;
    if (an === undefined || bn === undefined) return an === bn ? a.memberId.localeCompare(b.memberId) : an === undefined ? 1 : -1;
    return collator.compare(an, bn) || a.memberId.localeCompare(b.memberId);
  });
  return { rows, counts };
}
