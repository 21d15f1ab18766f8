/**
 * The role matrix of the live board, end to end: real agents (device tokens from the registration
 * API) send heartbeats; each role of roleWorld opens GET /live/<ws> with its browser session and
 * must receive exactly the members and fields its scope allows — in the snapshot AND in the deltas
 * that follow — and never anything of the foreign workspace.
 *
 * roleWorld: teamA = team_manager (manager) + employee; teamB = employee2; projectA = project_manager
 * (manager), employee (member), project_viewer (viewer); projectB = employee2.
 */
import { describe, expect, it } from "vitest";
import type { LiveMember } from "../../worker/contract/live";
import type { Role } from "../../worker/db/schema";
import { api } from "../helpers/http";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { agentFor, beatOk, closeAll, connect, entryOn, settle, type Agent, type Viewer } from "./support";

type Who = "employee" | "employee2" | "team_manager" | "project_manager";

/** The rows each role may see while everyone is on their first-round projects (see `firstRound`). */
const VISIBLE: Record<Role, Who[]> = {
  owner: ["employee", "employee2", "team_manager", "project_manager"],
  executive: ["employee", "employee2", "team_manager", "project_manager"],
  team_manager: ["team_manager", "employee"],
  // Time on the projects they manage: whoever is on projectA, and themselves.
  project_manager: ["project_manager", "employee"],
  employee: ["employee"],
  // Read-only project time: whoever is on projectA (they track nothing themselves).
  project_viewer: ["employee", "project_manager"],
};

/** Whether the role's scope covers activity, apps and screenshots of the rows it sees (PRODUCT.md defaults). */
const SEES_DETAILS: Record<Role, boolean> = {
  owner: true, executive: true, team_manager: true, project_manager: true, employee: true, project_viewer: false,
};

const ROLES = Object.keys(VISIBLE) as Role[];
const DETAIL_KEYS = ["activityPercent", "app", "screenshot"] as const;

interface World {
  w: RoleWorld;
  ids: Record<Who, string>;
  agents: Record<Who, Agent>;
  foreignAgent: Agent;
}

async function world(): Promise<World> {
  const w = await roleWorld();
  const ids: Record<Who, string> = {
    employee: w.roles.employee.memberId, employee2: w.employee2.memberId,
    team_manager: w.roles.team_manager.memberId, project_manager: w.roles.project_manager.memberId,
  };
  const agents: Record<Who, Agent> = {
    employee: await agentFor(w.roles.employee.token, w.ws),
    employee2: await agentFor(w.employee2.token, w.ws),
    team_manager: await agentFor(w.roles.team_manager.token, w.ws),
    project_manager: await agentFor(w.roles.project_manager.token, w.ws),
  };
  return { w, ids, agents, foreignAgent: await agentFor(w.foreign.owner.token, w.foreign.ws) };
}

async function firstRound({ w, agents, foreignAgent }: World) {
  await beatOk(agents.employee, { state: "tracking", entry: entryOn(w.projectA, w.taskA), app: { name: "Code", title: "main.ts", url: null } });
  await beatOk(agents.employee2, { state: "tracking", entry: entryOn(w.projectB, w.taskB), app: { name: "Firefox", title: "Docs", url: "https://docs.example.com/a" } });
  await beatOk(agents.team_manager, { state: "tracking", entry: entryOn(null), app: { name: "Slack", title: null, url: null } });
  await beatOk(agents.project_manager, { state: "tracking", entry: entryOn(w.projectA), app: { name: "Figma", title: "Board", url: null } });
  await beatOk(foreignAgent, { state: "tracking", entry: entryOn(w.foreign.project), app: { name: "Secret app", title: "Foreign", url: null } });
}

const userOf = (w: RoleWorld, role: Role) => w.roles[role].userId;

function expectRows(v: Viewer, expected: string[], role: string) {
  expect([...v.board.keys()].sort(), role).toEqual([...expected].sort());
}

function expectDetails(row: LiveMember, present: boolean, what: string) {
  for (const k of DETAIL_KEYS) expect(k in row, `${what}: ${k}`).toBe(present);
}

describe("live board visibility per role", () => {
  it("each role's snapshot holds exactly the members and fields it may see", async () => {
    const x = await world();
    await firstRound(x);
    const viewers: Viewer[] = [];
    try {
      for (const role of ROLES) {
        const v = await connect(x.w.ws, userOf(x.w, role));
        viewers.push(v);
        expectRows(v, VISIBLE[role].map((who) => x.ids[who]), role);
        for (const row of v.board.values()) expectDetails(row, SEES_DETAILS[role], `${role} sees ${row.memberId}`);
        expect(v.seen.has(x.foreignAgent.memberId), role).toBe(false);
      }
      // The values themselves, as the owner sees them.
      const owner = viewers[0]!;
      expect(owner.row(x.ids.employee)).toMatchObject({ status: "tracking", projectId: x.w.projectA, taskId: x.w.taskA, source: "desktop", app: { name: "Code", title: "main.ts", url: null } });
      expect(owner.row(x.ids.employee2)).toMatchObject({ status: "tracking", projectId: x.w.projectB, app: { name: "Firefox", url: "https://docs.example.com/a" } });
      // The project viewer sees time only: the row is there, its details are absent (not null).
      const pv = viewers[ROLES.indexOf("project_viewer")]!;
      expect(pv.row(x.ids.employee)).toMatchObject({ status: "tracking", projectId: x.w.projectA });
    } finally {
      closeAll(viewers);
    }
  });

  it("deltas follow the same scope: changes reach exactly the viewers who may see them", async () => {
    const x = await world();
    await firstRound(x);
    const viewers = new Map<Role, Viewer>();
    try {
      for (const role of ROLES) viewers.set(role, await connect(x.w.ws, userOf(x.w, role)));
      const framesBefore = new Map([...viewers].map(([r, v]) => [r, v.frames.length]));

      // employee goes idle in another app; employee2 stops; the project manager leaves projectA.
      await beatOk(x.agents.employee, { state: "idle", app: { name: "Terminal", title: "zsh", url: null } });
      await beatOk(x.agents.employee2, { state: "stopped", entry: null });
      await beatOk(x.agents.project_manager, { state: "tracking", entry: entryOn(null) });
      await beatOk(x.foreignAgent, { state: "idle", app: { name: "Secret app 2", title: "Foreign", url: null } });

      const after: Record<Role, Who[]> = { ...VISIBLE, project_viewer: ["employee"] };
      for (const role of ROLES) {
        const v = viewers.get(role)!;
        await v.until(() => v.row(x.ids.employee)?.status === "idle", `${role}: employee idle`);
        if (VISIBLE[role].includes("employee2")) await v.until(() => v.row(x.ids.employee2)?.status === "stopped", `${role}: employee2 stopped`);
        if (role === "owner" || role === "project_manager") {
          await v.until(() => v.row(x.ids.project_manager)?.projectId === null, `${role}: project manager off projectA`);
        }
        // Moving off projectA takes the project manager off the project viewer's board.
        if (role === "project_viewer") await v.until(() => !v.board.has(x.ids.project_manager), "project viewer: project manager removed");
      }
      await settle(300);
      for (const role of ROLES) {
        const v = viewers.get(role)!;
        expect(v.frames.length, `${role} got deltas`).toBeGreaterThan(framesBefore.get(role)!);
        expectRows(v, after[role].map((who) => x.ids[who]), role);
        for (const row of v.board.values()) expectDetails(row, SEES_DETAILS[role], `${role} sees ${row.memberId}`);
        // Nothing outside the role's first-round set ever arrived, in any frame; nothing foreign ever.
        const allowed = new Set(VISIBLE[role].map((who) => x.ids[who]));
        for (const id of v.seen) expect(allowed.has(id), `${role} was sent ${id}`).toBe(true);
        // And no delta was about a member the viewer may not see.
        for (const f of v.frames) {
          if (f.type !== "delta") continue;
          for (const m of f.upsert) expect(allowed.has(m.memberId), `${role} delta upsert ${m.memberId}`).toBe(true);
        }
      }
      expect(viewers.get("owner")!.row(x.ids.employee)!.app).toEqual({ name: "Terminal", title: "zsh", url: null });
      // A viewer who must not see a change gets no frame for it: employee2 stopping is invisible to the employee.
      const employee = viewers.get("employee")!;
      expect(employee.frames.filter((f) => f.type === "delta").every((f) => f.type === "delta" && f.upsert.every((m) => m.memberId === x.ids.employee))).toBe(true);
    } finally {
      closeAll([...viewers.values()]);
    }
  });

  it("a member of the foreign workspace sees their own board only, never ours", async () => {
    const x = await world();
    await firstRound(x);
    const v = await connect(x.w.foreign.ws, x.w.foreign.owner.userId);
    try {
      expectRows(v, [x.foreignAgent.memberId], "foreign owner");
      await beatOk(x.agents.employee, { state: "idle" });
      await beatOk(x.foreignAgent, { state: "idle" });
      await v.until(() => v.row(x.foreignAgent.memberId)?.status === "idle", "foreign owner idle");
      await settle(200);
      expect([...v.seen]).toEqual([x.foreignAgent.memberId]);
    } finally {
      v.close();
    }
  });

  it("the owner's privacy toggle takes apps off managers' open boards, but not their own row", async () => {
    const x = await world();
    await firstRound(x);
    const tm = await connect(x.w.ws, userOf(x.w, "team_manager"));
    try {
      expect(tm.row(x.ids.employee)!.app).toMatchObject({ name: "Code" });
      const snapshots = tm.snapshots();
      const res = await api(x.w.roles.owner.token, "PATCH", `/api/v1/workspaces/${x.w.ws}`, { managersSeeApps: false });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await tm.until(() => tm.snapshots() > snapshots, "a fresh snapshot after the toggle");
      expect("app" in tm.row(x.ids.employee)!).toBe(false);
      expect(tm.row(x.ids.team_manager)!.app).toMatchObject({ name: "Slack" });
      // Activity is not under that toggle.
      expect("activityPercent" in tm.row(x.ids.employee)!).toBe(true);
      // And the deltas after it carry no app either.
      await beatOk(x.agents.employee, { state: "tracking", app: { name: "Mail", title: "Inbox", url: null } });
      await beatOk(x.agents.employee, { state: "idle" });
      await tm.until(() => tm.row(x.ids.employee)?.status === "idle", "employee idle");
      expect(tm.frames.some((f) => f.type === "delta" && f.upsert.some((m) => m.memberId === x.ids.employee && "app" in m))).toBe(false);
    } finally {
      tm.close();
    }
  });
});
