/**
 * The projection (worker/workspace/live/projection.ts) as pure functions: which rows and fields each
 * reach shape shows, absent versus null fields, today's total through projects only, scope keys, and
 * the shape cache the fan-out relies on (equal shape => equal JSON).
 */
import { describe, expect, it } from "vitest";
import { LiveMember, type LiveScope } from "../../worker/contract/live";
import type { BoardRow } from "../../worker/workspace/live/boardStore";
import { compileScope, coverage, projectionShape, projectMember, renderMember, scopeRecord } from "../../worker/workspace/live/projection";
import { ALICE, ALL, BOB, MANAGER, members, PROJECT_A, PROJECT_B, projects, scope, TASK_A1 } from "./support";

const T = Date.UTC(2026, 3, 20, 12, 0);

function row(over: Partial<BoardRow> = {}): BoardRow {
  return {
    memberId: ALICE, status: "tracking", projectId: PROJECT_A, taskId: TASK_A1, entryId: "e1", timerStartedAt: T - 600_000,
    source: "desktop", lastSeenAt: T, heartbeatAt: T, deviceId: "d1", deviceSeenAt: T, timeZone: "UTC", offlineAfterMs: 180_000,
    activityPercent: 64, activitySlotMs: T - 600_000, app: { name: "Code", title: "board.ts", url: null }, appAt: T,
    screenshot: { id: "shot-1", takenAt: T - 60_000 }, today: "2026-04-20", todayStartsAt: Date.UTC(2026, 3, 20),
    todayEndsAt: Date.UTC(2026, 3, 21), todaySeconds: 3000, todayByProject: { [PROJECT_A]: 1800, [PROJECT_B]: 900 }, updatedAt: T,
    ...over,
  };
}

const project = (r: BoardRow, s: LiveScope) => projectMember(r, compileScope(s));

describe("projection: which rows a viewer sees (time reach)", () => {
  it("all: every member, with the whole row", () => {
    const m = project(row(), scope(MANAGER, ALL, { activity: ALL, apps: ALL, screenshots: ALL }));
    expect(LiveMember.parse(m)).toEqual({
      memberId: ALICE, status: "tracking", projectId: PROJECT_A, taskId: TASK_A1, timerStartedAt: T - 600_000, today: "2026-04-20",
      todayStartsAt: Date.UTC(2026, 3, 20), todaySeconds: 3000, lastSeenAt: T, source: "desktop", activityPercent: 64,
      app: { name: "Code", title: "board.ts", url: null }, screenshot: { id: "shot-1", takenAt: T - 60_000 },
    });
  });

  it("memberIds: only listed members, whatever project they are on", () => {
    const s = scope(ALICE, members(ALICE));
    expect(project(row(), s)).not.toBeNull();
    expect(project(row({ projectId: null }), s)).not.toBeNull();
    expect(project(row({ memberId: BOB }), s)).toBeNull();
  });

  it("projectIds: members whose current project is listed, and only while they are on it", () => {
    const s = scope(MANAGER, projects(PROJECT_A));
    expect(project(row({ memberId: BOB }), s)).not.toBeNull();
    expect(project(row({ memberId: BOB, projectId: PROJECT_B }), s)).toBeNull();
    expect(project(row({ memberId: BOB, projectId: null }), s)).toBeNull();
  });

  it("memberIds and projectIds together: either covers", () => {
    const s = scope(MANAGER, { all: false, memberIds: [MANAGER], projectIds: [PROJECT_B] });
    expect(project(row({ memberId: MANAGER, projectId: null }), s)).not.toBeNull();
    expect(project(row({ memberId: BOB, projectId: PROJECT_B }), s)).not.toBeNull();
    expect(project(row({ memberId: BOB, projectId: PROJECT_A }), s)).toBeNull();
  });

  it("an empty reach shows nobody", () => {
    expect(project(row(), scope(MANAGER, { all: false, memberIds: [], projectIds: [] }))).toBeNull();
  });

  it("coverage tells a person from a project-only cover", () => {
    const c = compileScope(scope(MANAGER, { all: false, memberIds: [BOB], projectIds: [PROJECT_A] }));
    expect(coverage(c.time, row({ memberId: BOB }))).toBe("member");
    expect(coverage(c.time, row({ memberId: ALICE }))).toBe("project");
    expect(coverage(c.time, row({ memberId: ALICE, projectId: PROJECT_B }))).toBe("none");
    expect(coverage(null, row())).toBe("none");
    expect(coverage(compileScope(scope(MANAGER, ALL)).time, row())).toBe("member");
  });
});

describe("projection: optional fields (absent versus null)", () => {
  it("a null reach leaves the keys out entirely", () => {
    const m = project(row(), scope(MANAGER, ALL))!;
    expect(Object.keys(m)).not.toContain("activityPercent");
    expect(Object.keys(m)).not.toContain("app");
    expect(Object.keys(m)).not.toContain("screenshot");
    expect(LiveMember.parse(m)).toEqual(m);
  });

  it("a reach that does not cover the member leaves the key out; one that covers gives the value", () => {
    const s = scope(MANAGER, ALL, { activity: members(BOB), apps: projects(PROJECT_A), screenshots: members(ALICE) });
    const m = project(row(), s)!;
    expect("activityPercent" in m).toBe(false);
    expect(m.app).toEqual({ name: "Code", title: "board.ts", url: null });
    expect(m.screenshot).toEqual({ id: "shot-1", takenAt: T - 60_000 });
    // The apps reach is through the project: on another project the key disappears.
    expect("app" in project(row({ projectId: PROJECT_B }), s)!).toBe(false);
  });

  it("covered but unknown is null, not absent", () => {
    const m = project(row({ activityPercent: null, app: null, screenshot: null }), scope(MANAGER, ALL, { activity: ALL, apps: ALL, screenshots: ALL }))!;
    expect(m).toMatchObject({ activityPercent: null, app: null, screenshot: null });
    expect(Object.keys(m)).toEqual(expect.arrayContaining(["activityPercent", "app", "screenshot"]));
  });

  it("optional reaches never make a row visible on their own", () => {
    expect(project(row(), scope(MANAGER, members(BOB), { activity: ALL, apps: ALL, screenshots: ALL }))).toBeNull();
  });
});

describe("projection: today's total", () => {
  it("covered as a person: the whole day, projectless time included", () => {
    expect(project(row(), scope(MANAGER, members(ALICE)))!.todaySeconds).toBe(3000);
  });

  it("covered only through projects: time on those projects only", () => {
    expect(project(row(), scope(MANAGER, projects(PROJECT_A)))!.todaySeconds).toBe(1800);
    // Both projects visible: both counted, still not the projectless 300 s.
    expect(project(row(), scope(MANAGER, projects(PROJECT_A, PROJECT_B)))!.todaySeconds).toBe(2700);
    // On a listed project with no time on it yet today.
    expect(project(row({ todayByProject: { [PROJECT_B]: 900 } }), scope(MANAGER, projects(PROJECT_A)))!.todaySeconds).toBe(0);
  });

  it("a person cover wins over a project cover", () => {
    expect(project(row(), scope(MANAGER, { all: false, memberIds: [ALICE], projectIds: [PROJECT_A] }))!.todaySeconds).toBe(3000);
  });
});

describe("scope keys and the render cache", () => {
  it("the key ignores order, duplicates and the viewer id", () => {
    const a = scopeRecord(scope(ALICE, { all: false, memberIds: [BOB, ALICE, BOB], projectIds: [PROJECT_B, PROJECT_A] }));
    const b = scopeRecord(scope(MANAGER, { all: false, memberIds: [ALICE, BOB], projectIds: [PROJECT_A, PROJECT_B] }));
    expect(a.key).toBe(b.key);
    expect(a.key).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(a.json)).toEqual({ time: { all: false, memberIds: [ALICE, BOB], projectIds: [PROJECT_A, PROJECT_B] }, activity: null, apps: null, screenshots: null });
    expect(scopeRecord(scope(ALICE, ALL)).key).not.toBe(scopeRecord(scope(ALICE, ALL, { activity: ALL })).key);
    expect(scopeRecord(scope(ALICE, members(ALICE))).key).not.toBe(scopeRecord(scope(ALICE, projects(ALICE))).key);
  });

  it("equal shapes render equal JSON; different projections never share a shape", () => {
    const r = row();
    const scopes = [
      scope(MANAGER, ALL), scope(BOB, ALL), scope(MANAGER, members(ALICE)), scope(MANAGER, ALL, { activity: ALL }),
      scope(MANAGER, projects(PROJECT_A)), scope(MANAGER, projects(PROJECT_A, PROJECT_B)), scope(MANAGER, ALL, { apps: projects(PROJECT_A) }),
      scope(MANAGER, ALL, { screenshots: members(BOB) }),
    ].map((s) => compileScope(s));
    const byShape = new Map<string, string>();
    for (const s of scopes) {
      const shape = projectionShape(r, s)!;
      const text = JSON.stringify(projectMember(r, s));
      if (byShape.has(shape)) expect(byShape.get(shape)).toBe(text);
      byShape.set(shape, text);
      // renderMember with a shared cache gives the scope's own projection.
      expect(JSON.parse(renderMember(r, s, new Map())!)).toEqual(projectMember(r, s));
    }
    // all / all (another viewer) / members(ALICE) / screenshots of someone else: one shape, one string.
    expect(projectionShape(r, scopes[0]!)).toBe(projectionShape(r, scopes[2]!));
    expect(projectionShape(r, scopes[0]!)).toBe(projectionShape(r, scopes[7]!));
    expect(projectionShape(r, scopes[4]!)).not.toBe(projectionShape(r, scopes[5]!));
    expect(projectionShape(row({ memberId: BOB, projectId: PROJECT_B }), compileScope(scope(MANAGER, projects(PROJECT_A))))).toBeNull();
  });

  it("one cache serves many scopes with the same shape", () => {
    const cache = new Map<string, string>();
    const r = row();
    const first = renderMember(r, compileScope(scope(MANAGER, ALL)), cache);
    const second = renderMember(r, compileScope(scope(BOB, members(ALICE, BOB))), cache);
    expect(second).toBe(first);
    expect(cache.size).toBe(1);
  });
});
