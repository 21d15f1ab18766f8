import { Form, Link } from "@remix-run/react";
import { Badge, Button, DataTable } from "../ui";
import type { EntryRow } from "./types";

const SOURCE_LABEL: Record<EntryRow["source"], string> = { desktop: "Desktop", web: "Web", api: "API" };

/** The entries of the day or week, with edit/delete for the ones the viewer may change and approve/reject for managers. */
export function EntryTable({ entries, showDay, editPrefix }: { entries: EntryRow[]; showDay: boolean; /** An entry id appended gives its edit link. */ editPrefix: string }) {
  const columns = [
    {
      key: "when", header: "When",
      render: (e: EntryRow) => (
        <span>
          {showDay && <span className="muted">{e.dayLabel} · </span>}
          {e.to !== null ? `${e.from}–${e.to}` : <>{`${e.from}– `}<Badge tone="accent">running</Badge></>}
        </span>
      ),
    },
    { key: "duration", header: "Duration", className: "num", render: (e: EntryRow) => e.duration },
    {
      key: "work", header: "Project / task",
      render: (e: EntryRow) => e.project ? <span><strong>{e.project}</strong>{e.task ? <span className="muted"> · {e.task}</span> : null}</span> : <span className="muted">No project</span>,
    },
    { key: "note", header: "Note", render: (e: EntryRow) => e.note || <span className="muted">—</span> },
    {
      key: "status", header: "Status",
      render: (e: EntryRow) => (
        <span>
          <Badge>{SOURCE_LABEL[e.source]}</Badge>{" "}
          {e.approval === "pending" && <Badge tone="warning">Pending approval</Badge>}
          {e.approval === "rejected" && <Badge tone="danger">Rejected</Badge>}
          {e.reason && <span className="muted" title={e.reason}> · manual</span>}
        </span>
      ),
    },
    {
      key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
      render: (e: EntryRow) => (
        <span>
          {e.editable && e.approval !== "rejected" && <Link className="link" to={`${editPrefix}${encodeURIComponent(e.id)}`} aria-label={`Edit the entry from ${e.from}`}>Edit</Link>}
          {e.editable && (
            <Form method="post" className="inline-form">
              <input type="hidden" name="entryId" value={e.id} />
              <Button size="sm" variant="ghost" name="intent" value="delete" aria-label={`Delete the entry from ${e.from}`}>Delete</Button>
            </Form>
          )}
          {e.approvable && (
            <Form method="post" className="inline-form">
              <input type="hidden" name="entryId" value={e.id} />
              <Button size="sm" variant="secondary" name="intent" value="approve" aria-label={`Approve the entry from ${e.from}`}>Approve</Button>
              <Button size="sm" variant="danger" name="intent" value="reject" aria-label={`Reject the entry from ${e.from}`}>Reject</Button>
            </Form>
          )}
        </span>
      ),
    },
  ];
  return <DataTable caption="Time entries" rows={entries} columns={columns} empty="No time in this period." />;
}
