/**
 * Time entries as the API and the web pages show them: ISO 8601 UTC instants on the wire (DESIGN.md),
 * project and task names resolved from D1, and the duration so far for a running entry.
 */
import type { StoredEntry } from "../../workspace/timeEntries";
import type { ServiceContext } from "../context";
import { workNames } from "./work";

export interface TimeEntryView {
  id: string;
  memberId: string;
  projectId: string | null;
  projectName: string | null;
  taskId: string | null;
  taskName: string | null;
  start: string;
  /** null while running. */
  end: string | null;
  /** Up to now for a running entry. */
  durationSeconds: number;
  note: string;
  billable: boolean;
  source: StoredEntry["source"];
  /** Manual entries under an approval policy wait as "pending"; rejected ones hold no time. */
  approval: StoredEntry["approval"];
  reason: string | null;
  updatedAt: string;
}

export const isoOf = (ms: number) => new Date(ms).toISOString();

type Names = Awaited<ReturnType<typeof workNames>>;

export function entryView(e: StoredEntry, names: Names, now: number): TimeEntryView {
  return {
    id: e.id, memberId: e.memberId,
    projectId: e.projectId, projectName: e.projectId ? names.projects.get(e.projectId) ?? null : null,
    taskId: e.taskId, taskName: e.taskId ? names.tasks.get(e.taskId) ?? null : null,
    start: isoOf(e.startMs), end: e.endMs === null ? null : isoOf(e.endMs),
    durationSeconds: Math.max(0, Math.round(((e.endMs ?? now) - e.startMs) / 1000)),
    note: e.note, billable: e.billable, source: e.source, approval: e.approval, reason: e.reason, updatedAt: isoOf(e.updatedAt),
  };
}

export async function entryViews(ctx: ServiceContext, workspaceId: string, entries: StoredEntry[]): Promise<TimeEntryView[]> {
  const names = await workNames(ctx, workspaceId, entries);
  const now = ctx.now();
  return entries.map((e) => entryView(e, names, now));
}

export async function oneEntryView(ctx: ServiceContext, workspaceId: string, entry: StoredEntry): Promise<TimeEntryView> {
  return (await entryViews(ctx, workspaceId, [entry]))[0]!;
}
