/**
 * What one viewer sees of a board row (pure functions). The scope comes from the Worker's authz
 * module (worker/contract/live.ts LiveScope); this file only applies it:
 * - the row exists for the viewer iff the `time` reach covers the member: `all`, their id in
 *   memberIds, or their current project (the row's projectId) in projectIds;
 * - activityPercent / app / screenshot are present iff their reach covers the member (else the key
 *   is absent; null means covered but unknown);
 * - covered by `time` only through projectIds, todaySeconds counts only time on those projects.
 *
 * Scopes are compiled once per socket group (sets instead of arrays), and the key of a scope is a
 * hash of its normalized JSON, so viewers with the same reach share one group and one computed frame.
 */
import { createHash } from "node:crypto";
import type { LiveMember, LiveReach, LiveScope } from "../../contract/live";
import type { BoardRow } from "./boardStore";

/** The part of a LiveScope that decides what is seen (the viewer's id does not: it is in the reaches). */
export type LiveReaches = Pick<LiveScope, "time" | "activity" | "apps" | "screenshots">;

export interface CompiledReach {
  all: boolean;
  members: ReadonlySet<string>;
  projects: ReadonlySet<string>;
}

export interface CompiledScope {
  key: string;
  time: CompiledReach;
  activity: CompiledReach | null;
  apps: CompiledReach | null;
  screenshots: CompiledReach | null;
}

/** How a reach covers a member: not at all, as a person (all or memberIds), or only through their current project. */
export type Coverage = "none" | "member" | "project";

const normalizeReach = (r: LiveReach): LiveReach =>
  r.all ? { all: true } : { all: false, memberIds: [...new Set(r.memberIds)].sort(), projectIds: [...new Set(r.projectIds)].sort() };

/** Sorted, deduplicated, without the viewer id: equal reaches give equal JSON whatever the order they were resolved in. */
export function normalizeReaches(s: LiveReaches): LiveReaches {
  return {
    time: normalizeReach(s.time),
    activity: s.activity && normalizeReach(s.activity),
    apps: s.apps && normalizeReach(s.apps),
    screenshots: s.screenshots && normalizeReach(s.screenshots),
  };
}

/** The JSON stored in live_scopes and the key it is stored under. */
export function scopeRecord(s: LiveReaches): { key: string; json: string } {
  const json = JSON.stringify(normalizeReaches(s));
  return { key: createHash("sha256").update(json).digest("hex").slice(0, 32), json };
}

const compileReach = (r: LiveReach): CompiledReach =>
  r.all ? { all: true, members: new Set(), projects: new Set() } : { all: false, members: new Set(r.memberIds), projects: new Set(r.projectIds) };

export function compileScope(s: LiveReaches, key = scopeRecord(s).key): CompiledScope {
  return {
    key,
    time: compileReach(s.time),
    activity: s.activity && compileReach(s.activity),
    apps: s.apps && compileReach(s.apps),
    screenshots: s.screenshots && compileReach(s.screenshots),
  };
}

export function coverage(reach: CompiledReach | null, row: Pick<BoardRow, "memberId" | "projectId">): Coverage {
  if (!reach) return "none";
  if (reach.all || reach.members.has(row.memberId)) return "member";
  return row.projectId !== null && reach.projects.has(row.projectId) ? "project" : "none";
}

const covers = (reach: CompiledReach | null, row: BoardRow) => coverage(reach, row) !== "none";

/** Tracked seconds on the reach's projects only. */
function secondsOnProjects(row: BoardRow, projects: ReadonlySet<string>): number {
  let s = 0;
  for (const [projectId, seconds] of Object.entries(row.todayByProject)) if (projects.has(projectId)) s += seconds;
  return s;
}

/** The row as this viewer receives it, or null when the viewer may not see the member at all. */
export function projectMember(row: BoardRow, scope: CompiledScope): LiveMember | null {
  const time = coverage(scope.time, row);
  if (time === "none") return null;
  const m: LiveMember = {
    memberId: row.memberId,
    status: row.status,
    projectId: row.projectId,
    taskId: row.taskId,
    timerStartedAt: row.timerStartedAt,
    today: row.today,
    todayStartsAt: row.todayStartsAt,
    todaySeconds: time === "member" ? row.todaySeconds : secondsOnProjects(row, scope.time.projects),
    lastSeenAt: row.lastSeenAt,
    source: row.source,
  };
  if (covers(scope.activity, row)) m.activityPercent = row.activityPercent;
  if (covers(scope.apps, row)) m.app = row.app && { name: row.app.name, title: row.app.title, url: row.app.url };
  if (covers(scope.screenshots, row)) m.screenshot = row.screenshot && { id: row.screenshot.id, takenAt: row.screenshot.takenAt };
  return m;
}

/**
 * A key such that two scopes with the same key see the same projection of this row (null: not
 * visible). The fan-out renders a row once per key instead of once per socket group: every
 * "sees everything" group shares one string, and so do all groups that see a member as a person
 * with the same optional fields.
 */
export function projectionShape(row: BoardRow, scope: CompiledScope): string | null {
  const time = coverage(scope.time, row);
  if (time === "none") return null;
  // Through projects only, todaySeconds depends on the scope's own project set.
  const t = time === "member" ? "m" : `p${scope.key}`;
  return `${t}|${covers(scope.activity, row) ? 1 : 0}${covers(scope.apps, row) ? 1 : 0}${covers(scope.screenshots, row) ? 1 : 0}`;
}

/** The projection as JSON, computed once per shape (the cache lives for one change). */
export function renderMember(row: BoardRow, scope: CompiledScope, cache: Map<string, string>): string | null {
  const shape = projectionShape(row, scope);
  if (shape === null) return null;
  let text = cache.get(shape);
  if (text === undefined) {
    text = JSON.stringify(projectMember(row, scope));
    cache.set(shape, text);
  }
  return text;
}
