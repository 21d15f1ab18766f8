import { Form } from "@remix-run/react";
import { Alert, Button, Card, Field, Inline, SelectField, Stack, TextAreaField, fieldError } from "../ui";
import type { ErrorsLike } from "../../lib/forms";
import type { Work } from "./types";

/** Adding time by hand, with the reason the workspace asks for; under 'approval' it waits for a manager. */
export function ManualEntryCard({ policy, work, date, timeZone, error }: {
  policy: "allowed" | "approval"; work: Work; date: string; timeZone: string; error?: ErrorsLike;
}) {
  return (
    <Card title="Add time by hand" description={`Times are in ${timeZone}.`}>
      <Form method="post">
        <Stack>
          <input type="hidden" name="intent" value="manual" />
          {policy === "approval" && <Alert tone="info">Time you add by hand needs a manager's approval before it counts.</Alert>}
          <div className="form-row">
            <Field id="manual-date" label="Date" name="date" type="date" required defaultValue={date} error={fieldError(error, "date")} />
            <Field id="manual-start" label="From" name="start" type="time" required error={fieldError(error, "start")} />
            <Field id="manual-end" label="To" name="end" type="time" required error={fieldError(error, "end")} />
          </div>
          <div className="form-row">
            <SelectField id="manual-project" label="Project" name="projectId" options={work.projects} placeholder="No project" optional error={fieldError(error, "projectId")} />
            <SelectField id="manual-task" label="Task" name="taskId" options={work.tasks} placeholder="No task" optional error={fieldError(error, "taskId")} />
          </div>
          <Field id="manual-note" label="What did you do?" name="note" maxLength={2000} optional error={fieldError(error, "note")} />
          <TextAreaField id="manual-reason" label="Why is this time added by hand?" name="reason" rows={2} required maxLength={500} error={fieldError(error, "reason")} />
          <Inline end><Button type="submit" variant="primary">Add time</Button></Inline>
        </Stack>
      </Form>
    </Card>
  );
}
