/** Filters (from and to the URL), sort order, counts and the directory lookups of the live board. */
import { describe, expect, it } from "vitest";
import type { LiveMember } from "../../worker/contract/live";
import { indexDirectory, unknownIds, workLabel } from "../../web/app/lib/live/directoryIndex";
import { boardView, filtersSearch, noFilters, parseFilters, type MemberInfo } from "../../web/app/lib/live/filters";

const row = (memberId: string, status: LiveMember["status"], projectId: string | null = null, taskId: string | null = null): LiveMember => ({
  memberId, status, projectId, taskId, timerStartedAt: null, today: "2026-01-05", todayStartsAt: 0, todaySeconds: 0, lastSeenAt: null, source: null,
});

const info = new Map<string, MemberInfo>([
  ["m-ann", { name: "ann", teamIds: ["t1"] }],
  ["m-bob", { name: "Bob", teamIds: ["t1", "t2"] }],
  ["m-cy", { name: "Cy", teamIds: [] }],
  ["m-dee", { name: "Dee", teamIds: ["t2"] }],
  ["m-eve", { name: "Eve 10", teamIds: [] }],
  ["m-eve2", { name: "Eve 9", teamIds: [] }],
]);

const board = [
  row("m-dee", "offline"), row("m-cy", "tracking", "p2"), row("m-bob", "idle", "p1"), row("m-ann", "tracking", "p1"),
  row("m-new", "tracking", "p1"), row("m-eve", "stopped"), row("m-eve2", "stopped"),
];

const names = (rows: LiveMember[]) => rows.map((r) => info.get(r.memberId)?.name ?? r.memberId);

describe("parseFilters / filtersSearch", () => {
  it("reads team, project and status and ignores what it does not know", () => {
    expect(parseFilters(new URLSearchParams("team=t1&project=p1&status=idle"))).toEqual({ team: "t1", project: "p1", status: "idle" });
    expect(parseFilters(new URLSearchParams("status=away&team=&project=" + "x".repeat(65)))).toEqual(noFilters);
  });

  it("writes only the set filters and keeps other params", () => {
    expect(filtersSearch({ team: "t1", project: null, status: "tracking" }, new URLSearchParams("project=p9&x=1")))
      .toBe("?x=1&team=t1&status=tracking");
    expect(filtersSearch(noFilters, new URLSearchParams("team=t1&status=idle"))).toBe("");
  });

  it("round-trips", () => {
    const f = { team: "t2", project: "p1", status: "offline" as const };
    expect(parseFilters(new URLSearchParams(filtersSearch(f, new URLSearchParams())))).toEqual(f);
  });
});

describe("boardView", () => {
  it("sorts by status (working, idle, stopped, offline) then name, unknown members last in their status", () => {
    const v = boardView(board, info, noFilters);
    expect(names(v.rows)).toEqual(["ann", "Cy", "m-new", "Bob", "Eve 9", "Eve 10", "Dee"]);
  });

  it("counts every status and the total", () => {
    expect(boardView(board, info, noFilters).counts).toEqual({ tracking: 3, idle: 1, stopped: 2, offline: 1, total: 7 });
  });

  it("filters by team, project and status; counts ignore only the status filter", () => {
    const byTeam = boardView(board, info, { ...noFilters, team: "t1" });
    expect(names(byTeam.rows)).toEqual(["ann", "Bob"]);
    const byProject = boardView(board, info, { ...noFilters, project: "p1" });
    expect(names(byProject.rows)).toEqual(["ann", "m-new", "Bob"]);
    const idleInT1 = boardView(board, info, { team: "t1", project: null, status: "idle" });
    expect(names(idleInT1.rows)).toEqual(["Bob"]);
    expect(idleInT1.counts).toEqual({ tracking: 1, idle: 1, stopped: 0, offline: 0, total: 2 });
  });

  it("shows nobody for a team filter on members the directory does not know yet", () => {
    expect(boardView([row("m-new", "tracking")], info, { ...noFilters, team: "t1" }).rows).toEqual([]);
  });
});

describe("directory lookups", () => {
  const index = indexDirectory({
    members: [{ id: "m-ann", name: "Ann", teamIds: [] }],
    projects: [{ id: "p1", name: "Website", clientName: "Acme" }, { id: "p2", name: "Internal", clientName: null }],
    tasks: [{ id: "k1", name: "Design", projectId: "p1" }],
    teams: [],
  });

  it("finds ids on the board the directory cannot name (once each)", () => {
    const rows = [row("m-ann", "tracking", "p1", "k1"), row("m-new", "tracking", "p-new", "k-new"), row("m-new2", "idle", "p-new", null)];
    expect(unknownIds(rows, index).sort()).toEqual(["k-new", "m-new", "m-new2", "p-new"]);
    expect(unknownIds([row("m-ann", "stopped")], index)).toEqual([]);
  });

  it("labels the work cell with project, task and client", () => {
    expect(workLabel({ projectId: "p1", taskId: "k1" }, index)).toEqual({ project: "Website", task: "Design", client: "Acme" });
    expect(workLabel({ projectId: "p2", taskId: null }, index)).toEqual({ project: "Internal", task: null, client: null });
    expect(workLabel({ projectId: null, taskId: null }, index)).toEqual({ project: null, task: null, client: null });
    expect(workLabel({ projectId: "p-new", taskId: "k-new" }, index)).toEqual({ project: "Unknown project", task: "Unknown task", client: null });
  });
});
