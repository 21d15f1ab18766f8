/** The audit log (owners, executive managers): filter by action, newest first, and verify the hash chain. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useLoaderData } from "@remix-run/react";
import { can } from "../../../worker/authz/policy";
import { listAudit, verifyWorkspaceChain } from "../../../worker/services/audit";
import { Alert, Button, Card, DataTable, Field, PageHeader, Stack } from "../components/ui";
import { requireActor, toResponse } from "../lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  // The page does not exist for roles without the audit permission (the API answers 403 on the collection).
  if (!can(actor, "audit", "read")) throw new Response("Not found", { status: 404 });
  const url = new URL(request.url);
  const action = url.searchParams.get("action")?.slice(0, 64) || undefined;
  const cursor = url.searchParams.get("cursor");
  try {
    const page = await listAudit(context.ctx, actor, { action, beforeSeq: cursor && /^\d+$/.test(cursor) ? Number(cursor) : undefined, limit: 50 });
    const check = url.searchParams.has("verify") ? await verifyWorkspaceChain(context.ctx, actor) : null;
    return {
      items: page.items.map((e) => ({ ...e, actor: e.actorUserId ? e.actorName ?? "Former member" : "System", data: JSON.stringify(e.data) })),
      nextCursor: page.nextCursor, action: action ?? "", check,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

export default function Audit() {
  const { items, nextCursor, action, check } = useLoaderData<typeof loader>();
  return (
    <Stack gap={6}>
      <PageHeader title="Audit log" description="Append-only and hash-chained: each entry seals the one before it, so edits and deletions are detectable."
        actions={<Button variant="secondary" to="?verify=1">Verify integrity</Button>} />
      {check && (check.ok
        ? <Alert tone="success" title="Chain intact">All {check.checked} entries verified.</Alert>
        : <Alert tone="danger" title="Chain broken">Entry #{check.brokenAtSeq} fails verification ({check.reason}).</Alert>)}
      <Card>
        <Form method="get" className="form-row">
          <Field label="Action" name="action" defaultValue={action} placeholder="e.g. member.role_changed" />
          <Button type="submit" variant="secondary">Filter</Button>
        </Form>
      </Card>
      <Card flush>
        <DataTable rows={items} rowKey={(e) => e.id} empty="No entries."
          columns={[
            { key: "seq", header: "#", className: "num", render: (e) => e.seq },
            { key: "at", header: "When (UTC)", render: (e) => <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toISOString().replace("T", " ").slice(0, 19)}</time> },
            { key: "actor", header: "Who", render: (e) => e.actor },
            { key: "action", header: "Action", render: (e) => <code className="mono">{e.action}</code> },
            { key: "data", header: "Details", render: (e) => <span className="muted mono small">{e.data === "{}" ? "" : e.data}</span> },
            { key: "ip", header: "IP", render: (e) => <span className="muted">{e.ip ?? ""}</span> },
          ]} />
      </Card>
      {nextCursor && <div><Button variant="secondary" to={`?${new URLSearchParams({ ...(action ? { action } : {}), cursor: nextCursor })}`}>Older entries</Button></div>}
    </Stack>
  );
}
