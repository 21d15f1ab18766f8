/**
 * Devices: the desktop agents signed in to this workspace. Everyone sees their own (owners and
 * executive managers all of them) and may sign their own out; members who record time get a
 * one-time code to connect a new one. Revoking takes effect with the device's next request.
 */
import { data as withHeaders, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { can, scopeOf } from "../../../worker/authz/policy";
import { issueDeviceCode } from "../../../worker/services/tracking/deviceRegistration";
import { listDevices, revokeDevice } from "../../../worker/services/tracking/devices";
import { ConnectAgentCard, type IssuedCode } from "../components/devices/ConnectAgentCard";
import { settingsLinks } from "../components/settings/styles";
import { Alert, Badge, Button, Card, DataTable, FormError, PageHeader, Stack } from "../components/ui";
import { actionError, actionOk } from "../lib/forms";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { formatInZone } from "../lib/when";

export const meta: MetaFunction = () => [{ title: "Devices · Worktrail" }];
export const links = settingsLinks;
export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

/** Passes the action's no-store on to the page response (the page that shows a sign-in code). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const cacheControl = actionHeaders.get("cache-control");
  return cacheControl ? { "cache-control": cacheControl } : new Headers();
};

const PAGE = 200;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const includeRevoked = new URL(request.url).searchParams.get("revoked") === "1";
  try {
    const { items, nextCursor } = await listDevices(context.ctx, actor, { includeRevoked, limit: PAGE });
    const deleteScope = scopeOf(actor, "devices", "delete");
    const when = (ms: number | null) => (ms === null ? null : formatInZone(ms, actor.member.timeZone));
    return {
      devices: items.map((d) => ({
        id: d.id, name: d.name, os: d.os, agentVersion: d.agentVersion, memberName: d.memberName,
        mine: d.memberId === actor.member.id,
        connected: when(d.createdAt), lastSeen: when(d.lastSeenAt), revoked: when(d.revokedAt),
        expired: d.revokedAt === null && d.expiresAt <= Date.now() ? when(d.expiresAt) : null,
        revocable: d.revokedAt === null && (deleteScope === "all" || (deleteScope === "own" && d.memberId === actor.member.id)),
      })),
      more: nextCursor !== null,
      seesAll: scopeOf(actor, "devices", "read") === "all",
      canConnect: can(actor, "devices", "create"),
      includeRevoked,
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("code") }),
  z.object({ intent: z.literal("revoke"), id: z.string().max(64) }),
]);

/** "ABCD-EFGH": easier to read off a screen; the agent ignores the hyphen. */
const grouped = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  return handleAction(async () => {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "code": {
        const { code, expiresAt } = await issueDeviceCode(context.ctx, actor);
        const issued: IssuedCode = { code: grouped(code), expiresAt, expires: formatInZone(expiresAt, actor.member.timeZone), origin: context.ctx.origin };
        // A live credential: no cache may keep the page that shows it.
        return withHeaders({ issued }, { headers: { "cache-control": "no-store" } });
      }
      case "revoke": await revokeDevice(context.ctx, actor, input.id); return { ok: "Device signed out. It stops sending data with its next request." };
    }
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["devices"][number];

export default function Devices() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const error = actionError(result);
  const ok = actionOk(result);
  const issued = result && "issued" in result ? result.issued : null;

  const columns = [
    { key: "name", header: "Device", render: (d: Row) => <Stack gap={1}><span className="strong">{d.name}</span><span className="muted">Connected {d.connected}</span></Stack> },
    { key: "os", header: "Operating system", render: (d: Row) => d.os ?? <span className="muted">Unknown</span> },
    { key: "version", header: "App version", render: (d: Row) => d.agentVersion ? <span className="mono">{d.agentVersion}</span> : <span className="muted">Unknown</span> },
    ...(data.seesAll ? [{ key: "member", header: "Member", render: (d: Row) => (d.mine ? `${d.memberName} (you)` : d.memberName) }] : []),
    { key: "seen", header: "Last seen", render: (d: Row) => d.lastSeen ?? <span className="muted">Never</span> },
    { key: "status", header: "Status", render: (d: Row) => (d.revoked ? <Badge tone="danger">Signed out {d.revoked}</Badge>
        : d.expired ? <Badge tone="warning">Expired {d.expired} (unused for 90 days)</Badge> : <Badge tone="success">Signed in</Badge>) },
    {
      key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
      render: (d: Row) => d.revocable ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="revoke" />
          <input type="hidden" name="id" value={d.id} />
          <Button size="sm" variant="danger" type="submit" aria-label={`Revoke ${d.name}`}>Revoke</Button>
        </Form>
      ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Devices"
        description={data.seesAll ? "Every desktop app signed in to this workspace. Revoking one signs it out at once." : "Your desktop apps signed in to this workspace. Revoke one you no longer use or have lost."}
        actions={<Button variant="ghost" to={data.includeRevoked ? "?" : "?revoked=1"}>{data.includeRevoked ? "Signed-in only" : "Include signed out"}</Button>}
      />
      {ok && <Alert tone="success">{ok}</Alert>}
      <FormError error={error} />
      {data.canConnect && <ConnectAgentCard issued={issued} submitting={nav.state === "submitting"} />}
      <Card title={`Devices (${data.devices.length}${data.more ? "+" : ""})`} flush>
        <DataTable
          columns={columns}
          rows={data.devices}
          caption="Devices"
          empty={data.canConnect ? "No desktop app signed in yet. Get a sign-in code above to connect one." : "No devices."}
        />
      </Card>
      {data.more && <p className="muted">Showing the newest {PAGE} devices.</p>}
    </>
  );
}
