import { Form } from "@remix-run/react";
import { Button, Card, Field, Inline, SelectField, Stack, fieldError } from "../ui";
import type { ErrorsLike } from "../../lib/forms";
import type { EntryRow, Work } from "./types";

/** Editing one entry (times in the member's zone) and splitting it in two. */
export function EditEntryCard({ entry, work, timeZone, cancelHref, error }: {
  entry: EntryRow; work: Work; timeZone: string; cancelHref: string; error?: ErrorsLike;
}) {
  // The entry's current project stays selectable even if the member has left it.
  const projects = entry.projectId && !work.projects.some((p) => p.value === entry.projectId)
    ? [...work.projects, { value: entry.projectId, label: entry.project ?? "Current project" }] : work.projects;
  const tasks = entry.taskId && !work.tasks.some((t) => t.value === entry.taskId)
    ? [...work.tasks, { value: entry.taskId, label: entry.task ?? "Current task" }] : work.tasks;
  return (
    <Card title={`Edit the entry from ${entry.from}`} description={`Times are in ${timeZone}. Changes are recorded in the audit log.`}>
      <Stack gap={3}>
        <Form method="post">
          <Stack>
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="entryId" value={entry.id} />
            <div className="form-row">
              <Field id="edit-start" label="Start" name="start" type="datetime-local" required defaultValue={entry.startInput} error={fieldError(error, "start")} />
              {entry.endInput !== null && (
                <Field id="edit-end" label="End" name="end" type="datetime-local" required defaultValue={entry.endInput} error={fieldError(error, "end")} />
              )}
            </div>
            <div className="form-row">
              <SelectField id="edit-project" label="Project" name="projectId" options={projects} placeholder="No project" optional defaultValue={entry.projectId ?? ""} error={fieldError(error, "projectId")} />
              <SelectField id="edit-task" label="Task" name="taskId" options={tasks} placeholder="No task" optional defaultValue={entry.taskId ?? ""} error={fieldError(error, "taskId")} />
            </div>
            <Field id="edit-note" label="Note" name="note" maxLength={2000} optional defaultValue={entry.note} error={fieldError(error, "note")} />
            <Field id="edit-reason" label="Reason" name="reason" maxLength={500} optional hint="Needed when you add time and the workspace requires approval." error={fieldError(error, "reason")} />
            <Inline end>
              <Button variant="ghost" to={cancelHref}>Cancel</Button>
              <Button type="submit" variant="primary">Save entry</Button>
            </Inline>
          </Stack>
        </Form>
        {entry.endInput !== null && (
          <Form method="post" className="form-row">
            <input type="hidden" name="intent" value="split" />
            <input type="hidden" name="entryId" value={entry.id} />
            <Field id="split-at" label="Split at" name="at" type="datetime-local" required defaultValue={entry.startInput} error={fieldError(error, "at")} />
            <Button type="submit">Split in two</Button>
          </Form>
        )}
      </Stack>
    </Card>
  );
}
