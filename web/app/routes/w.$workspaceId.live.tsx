/**
 * Live: who is working on what right now (issue 5). The loader gives the names directory (ids →
 * names, in the viewer's scope); the rows come from the WebSocket on /live/{workspaceId}, where the
 * Worker resolves the viewer's scope again and the workspace's object sends only what it covers.
 * Filters (team / project / status) narrow the rows in the browser and live in the URL.
 */
// First: configures zod before any contract schema is built (see the module).
import "../lib/live/zodJitless";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useMemo, useRef } from "react";
import { liveScope } from "../../../worker/authz/liveScope";
import { notFound } from "../../../worker/http/problem";
import { liveColumns, liveDirectory } from "../../../worker/services/live/directory";
import { ConnectionBanner, LiveIndicator } from "../components/live/ConnectionState";
import { LiveBoardTable } from "../components/live/LiveBoardTable";
import { ServerClockContext, type ServerClock } from "../components/live/LiveCells";
import { LiveCounts } from "../components/live/LiveCounts";
import { LiveFilters } from "../components/live/LiveFilters";
import { Button, Card, EmptyState, PageHeader } from "../components/ui";
import { requireActor, toResponse } from "../lib/guards.server";
import { indexDirectory, unknownIds } from "../lib/live/directoryIndex";
import { boardView, noFilters } from "../lib/live/filters";
import { useDirectoryRefresh } from "../lib/live/useDirectoryRefresh";
import { isFinal } from "../lib/live/liveConnection";
import { useLiveBoard } from "../lib/live/useLiveBoard";
import { useUrlFilters } from "../lib/live/useUrlFilters";
import liveStyles from "../styles/live.css?url";

export { RouteErrorBoundary as ErrorBoundary } from "../components/ui";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: liveStyles }];

export const meta: MetaFunction = () => [{ title: "Live · Worktrail" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    // The same scope the socket gets: none means the role may not open the board (404, like any page it may not open).
    const scope = await liveScope(context.ctx.db, actor);
    if (!scope) throw notFound("live board");
    return { workspaceId: actor.workspace.id, directory: await liveDirectory(context.ctx, actor), columns: liveColumns(scope) };
  } catch (e) {
    throw toResponse(e);
  }
}

export default function LivePage() {
  const { workspaceId, directory, columns } = useLoaderData<typeof loader>();
  const { board, status } = useLiveBoard(workspaceId);
  const [filters, setFilters] = useUrlFilters();

  const index = useMemo(() => indexDirectory(directory), [directory]);
  const view = useMemo(() => boardView(board.members.values(), index.members, filters), [board.members, index, filters]);
  const unknown = useMemo(() => unknownIds(board.members.values(), index), [board.members, index]);
  useDirectoryRefresh(unknown);

  // One holder for the page's lifetime; its value follows the latest frame (see ServerClock).
  const clock = useRef<ServerClock>({ offsetMs: 0 }).current;
  clock.offsetMs = board.clockOffsetMs;

  const teamOptions = useMemo(() => directory.teams.map((t) => ({ value: t.id, label: t.name })), [directory.teams]);
  const projectOptions = useMemo(
    () => directory.projects.map((p) => ({ value: p.id, label: p.clientName ? `${p.name} (${p.clientName})` : p.name })),
    [directory.projects],
  );

  const received = board.epoch !== null;
  const filtered = filters.team !== null || filters.project !== null || filters.status !== null;

  return (
    <>
      <PageHeader title="Live" description="Who is working on what right now." actions={<LiveIndicator status={status} />} />
      <ConnectionBanner status={status} />
      <noscript><p className="alert alert-info">The live board needs JavaScript to receive updates.</p></noscript>
      {!isFinal(status) ? (
        <>
          <LiveCounts counts={received ? view.counts : null} />
          <LiveFilters filters={filters} teams={teamOptions} projects={projectOptions} onChange={setFilters} />
          <Card flush className="live-card">
            {!received ? (
              <EmptyState title="Loading the board…" description="Connecting to the live feed." />
            ) : view.rows.length > 0 ? (
              <ServerClockContext.Provider value={clock}>
                <LiveBoardTable rows={view.rows} index={index} columns={columns} workspaceId={workspaceId} />
              </ServerClockContext.Provider>
            ) : filtered && board.members.size > 0 ? (
              <EmptyState title="No one matches these filters"
                action={<Button type="button" variant="secondary" onClick={() => setFilters(noFilters)}>Clear filters</Button>} />
            ) : (
              <EmptyState title="Nobody to show yet"
                description="People appear here as soon as their desktop agent or web timer reports in." />
            )}
          </Card>
        </>
      ) : null}
    </>
  );
}
