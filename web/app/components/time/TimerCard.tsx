import { Form } from "@remix-run/react";
import { Button, Card, Field, SelectField, fieldError } from "../ui";
import type { Running, Work } from "./types";
import type { ErrorsLike } from "../../lib/forms";

/** The running timer with its Stop button, or the form that starts one (works without JavaScript). */
export function TimerCard({ running, work, error }: { running: Running | null; work: Work; error?: ErrorsLike }) {
  if (running) {
    return (
      <Card title="Timer running">
        <div className="timer-running">
          <div>
            <div className="timer-elapsed">{running.elapsed}</div>
            <div className="muted">
              Since {running.since}
              {running.project ? ` · ${running.project}` : " · No project"}
              {running.task ? ` · ${running.task}` : ""}
              {running.note ? ` · ${running.note}` : ""}
            </div>
          </div>
          <Form method="post">
            <Button name="intent" value="stop" variant="danger" size="lg">Stop timer</Button>
          </Form>
        </div>
      </Card>
    );
  }
  return (
    <Card title="Timer" description="Starts now. Stop it here, from the API or from the desktop app.">
      <Form method="post" className="form-row">
        <input type="hidden" name="intent" value="start" />
        <SelectField id="timer-project" label="Project" name="projectId" options={work.projects} placeholder="No project" optional error={fieldError(error, "projectId")} />
        <SelectField id="timer-task" label="Task" name="taskId" options={work.tasks} placeholder="No task" optional error={fieldError(error, "taskId")} />
        <Field id="timer-note" label="What are you working on?" name="note" maxLength={2000} optional error={fieldError(error, "note")} />
        <Button type="submit" variant="primary">Start timer</Button>
      </Form>
    </Card>
  );
}
