/** Input schemas of the time routes (and the web timesheet's query), parsed at the edge. */
import { z } from "@hono/zod-openapi";
import { MAX_ENTRY_MS } from "../../contract/agent";
import { UUID_RE } from "../../db/ids";

/** A calendar date, read in the member's time zone. */
export const LocalDate = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date such as 2025-03-10.")
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return y >= 2000 && y <= 2100 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, "Not a calendar date (2000–2100).")
  .openapi({ example: "2025-03-10" });

export const Instant = z.iso.datetime({ offset: true, message: "An ISO 8601 date-time such as 2025-03-10T09:00:00Z." })
  .refine((s) => Date.parse(s) >= Date.UTC(2000, 0, 1), "Too far in the past.")
  .openapi({ example: "2025-03-10T09:00:00Z" });

const RefId = z.string().regex(UUID_RE, "Not an id.");
export const ProjectRef = RefId.nullable().optional().openapi({ description: "A project you are assigned to (404 otherwise)" });
export const TaskRef = RefId.nullable().optional().openapi({ description: "A task of that project; alone it implies its project" });
export const Note = z.string().max(2000, "At most 2000 characters.").optional().openapi({ description: "What was done (activity description)" });
export const Reason = z.string().trim().min(1, "Required.").max(500, "At most 500 characters.");

export const TimerStartBody = z.strictObject({
  projectId: ProjectRef,
  taskId: TaskRef,
  note: Note,
  billable: z.boolean().optional().openapi({ description: "Defaults to the project's billable flag" }),
});

const spanCheck = (c: { value: { start?: string; end?: string }; issues: z.core.$ZodRawIssue[] }) => {
  const { start, end } = c.value;
  if (start === undefined || end === undefined) return;
  const d = Date.parse(end) - Date.parse(start);
  if (d <= 0) c.issues.push({ code: "custom", input: end, path: ["end"], message: "Must be after the start." });
  else if (d > MAX_ENTRY_MS) c.issues.push({ code: "custom", input: end, path: ["end"], message: "An entry lasts at most 7 days." });
};

export const ManualEntryBody = z.strictObject({
  start: Instant,
  end: Instant,
  projectId: ProjectRef,
  taskId: TaskRef,
  note: Note,
  billable: z.boolean().optional(),
  reason: Reason.openapi({ description: "Why the time is added by hand (shown to approvers)" }),
}).check(spanCheck);

export const EntryPatchBody = z.strictObject({
  start: Instant.optional(),
  end: Instant.optional().openapi({ description: "Setting it on a running entry stops it" }),
  projectId: ProjectRef,
  taskId: TaskRef,
  note: Note,
  billable: z.boolean().optional(),
  reason: Reason.optional().openapi({ description: "Required when the change adds time under the approval policy" }),
}).check(spanCheck);

export const SplitBody = z.strictObject({ at: Instant.openapi({ description: "Strictly between the entry's start and end" }) });

export const ms = (iso: string) => Date.parse(iso);
