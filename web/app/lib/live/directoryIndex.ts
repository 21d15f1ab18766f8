/**
 * The names directory from the loader (worker/services/live/directory.ts) as lookups, and the ids
 * on the board it does not know (pure; unit-tested). Board rows carry ids only; an id the directory
 * has not heard of (a member who joined, a project created since the page loaded) makes the page
 * reload the directory once.
 */
import type { LiveMember } from "../../../../worker/contract/live";
import type { LiveDirectory } from "../../../../worker/services/live/directory";
import type { MemberInfo } from "./filters";

export interface DirectoryIndex {
  members: ReadonlyMap<string, MemberInfo>;
  projects: ReadonlyMap<string, { name: string; clientName: string | null }>;
  tasks: ReadonlyMap<string, string>;
}

export function indexDirectory(d: LiveDirectory): DirectoryIndex {
  return {
    members: new Map(d.members.map((m) => [m.id, { name: m.name, teamIds: m.teamIds }])),
    projects: new Map(d.projects.map((p) => [p.id, { name: p.name, clientName: p.clientName }])),
    tasks: new Map(d.tasks.map((t) => [t.id, t.name])),
  };
}

/** Member, project and task ids on the board that the directory does not name. */
export function unknownIds(rows: Iterable<LiveMember>, index: DirectoryIndex): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    if (!index.members.has(r.memberId)) out.add(r.memberId);
    if (r.projectId !== null && !index.projects.has(r.projectId)) out.add(r.projectId);
    if (r.taskId !== null && !index.tasks.has(r.taskId)) out.add(r.taskId);
  }
  return [...out];
}

/** What the row's work cell says: primitives, so memoized rows compare them cheaply. */
export interface WorkLabel {
  project: string | null;
  task: string | null;
  client: string | null;
}

export function workLabel(row: Pick<LiveMember, "projectId" | "taskId">, index: DirectoryIndex): WorkLabel {
  const project = row.projectId === null ? null : index.projects.get(row.projectId) ?? { name: "Unknown project", clientName: null };
  const task = row.taskId === null ? null : index.tasks.get(row.taskId) ?? "Unknown task";
  return { project: project?.name ?? null, task, client: project?.clientName ?? null };
}
