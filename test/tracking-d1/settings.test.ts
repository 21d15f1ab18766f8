/**
 * Tracking settings through the workspace API and as the agent sees them: defaults, changes with
 * version bumps and audit, ETag/304, bad input that changes nothing, and the projects offered to
 * the agent's picker.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AgentSettings as AgentSettingsContract } from "../../worker/contract/agentSettings";
import { newId } from "../../worker/db/ids";
import { projectMembers, projects, tasks, teamMembers, teams } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, auditOf, db, settingsRow, signInAgent } from "./support";

const path = (w: RoleWorld) => `/api/v1/workspaces/${w.ws}/tracking-settings`;
const patch = (w: RoleWorld, body: unknown, token = w.roles.owner.token) => api(token, "PATCH", path(w), body);

describe("workspace tracking settings", () => {
  it("start on the defaults at version 0 with no row", async () => {
    const w = await roleWorld();
    const res = await api(w.roles.employee.token, "GET", path(w));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      screenshotsPerSlot: 1, screenshotBlur: false, screenshotDeletion: "allowed", screenshotRetentionDays: 30,
      trackApps: true, trackUrls: true, captureTitles: true, idleThresholdSeconds: 300, offlineAfterSeconds: 180, idlePolicy: "ask", manualTime: "allowed",
      exclusions: { apps: [], domains: [], titleKeywords: [] }, version: 0, updatedAt: null,
    });
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("a change is stored, bumps the version by one and is audited with before and after", async () => {
    const w = await roleWorld();
    const res = await patch(w, { screenshotsPerSlot: 3, captureTitles: false, exclusions: { domains: ["Bank.Example.com"], apps: ["KeePassXC"] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ screenshotsPerSlot: 3, captureTitles: false, version: 1, exclusions: { apps: ["KeePassXC"], domains: ["bank.example.com"], titleKeywords: [] } });
    const row = await settingsRow(w.ws);
    expect(row).toMatchObject({ screenshotsPerSlot: 3, captureTitles: false, version: 1 });

    const second = await patch(w, { idleThresholdSeconds: 600, exclusions: { titleKeywords: ["patient"] } });
    expect(second.body).toMatchObject({ idleThresholdSeconds: 600, version: 2, exclusions: { apps: ["KeePassXC"], domains: ["bank.example.com"], titleKeywords: ["patient"] } });

    const audits = await auditOf(w.ws, "tracking.settings_changed");
    expect(audits).toHaveLength(2);
    expect(JSON.parse(audits[0]!.data)).toMatchObject({ from: { screenshotsPerSlot: 1, captureTitles: true }, to: { screenshotsPerSlot: 3, captureTitles: false }, version: 1 });
    expect(audits[0]!.actorUserId).toBe(w.roles.owner.userId);
  });

  it("a change to the current values neither bumps the version nor audits", async () => {
    const w = await roleWorld();
    await patch(w, { screenshotsPerSlot: 2 });
    const same = await patch(w, { screenshotsPerSlot: 2, trackApps: true, exclusions: { apps: [] } });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    expect(await auditOf(w.ws, "tracking.settings_changed")).toHaveLength(1);
  });

  it.each([
    ["unknown field", { screenshotsPerSlot: 2, surveillance: "max" }, "surveillance"],
    ["screenshotsPerSlot above 3", { screenshotsPerSlot: 4 }, "screenshotsPerSlot"],
    ["screenshotsPerSlot below 0", { screenshotsPerSlot: -1 }, "screenshotsPerSlot"],
    ["screenshotsPerSlot not an integer", { screenshotsPerSlot: 1.5 }, "screenshotsPerSlot"],
    ["idle threshold too short", { idleThresholdSeconds: 5 }, "idleThresholdSeconds"],
    ["unknown idle policy", { idlePolicy: "maybe" }, "idlePolicy"],
    ["unknown exclusion list", { exclusions: { people: ["x"] } }, "exclusions.people"],
    ["a domain with a scheme", { exclusions: { domains: ["https://bank.example.com"] } }, "exclusions.domains.0"],
    ["too many excluded apps", { exclusions: { apps: Array.from({ length: 201 }, (_, i) => `app${i}`) } }, "exclusions.apps"],
    ["an empty app name", { exclusions: { apps: [" "] } }, "exclusions.apps.0"],
  ])("%s is a 422 naming the field, and nothing changes", async (_name, body, field) => {
    const w = await roleWorld();
    await patch(w, { screenshotsPerSlot: 2 });
    const before = await settingsRow(w.ws);
    const res = await patch(w, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await settingsRow(w.ws)).toEqual(before);
    expect(await auditOf(w.ws, "tracking.settings_changed")).toHaveLength(1);
  });

  it("an empty change is a 400", async () => {
    const w = await roleWorld();
    const res = await patch(w, {});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("nothing_to_update");
  });
});

describe("settings as the agent sees them", () => {
  it("carry an ETag; If-None-Match answers 304 until something changes", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const first = await agentSettings(a.deviceToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 0, settings: { screenshotsPerSlot: 1 }, rules: [] });
    // The answer is exactly what the desktop agent parses it with (one contract for both sides).
    expect(AgentSettingsContract.strict().safeParse(first.body).error).toBeUndefined();
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"0-[0-9a-f]{16}"$/);
    expect(first.headers.get("cache-control")).toContain("no-cache");

    const cached = await agentSettings(a.deviceToken, { "if-none-match": etag });
    expect(cached.status).toBe(304);
    expect(cached.body).toBeNull();
    expect(cached.headers.get("etag")).toBe(etag);
    expect((await agentSettings(a.deviceToken, { "if-none-match": `"other", W/${etag}` })).status).toBe(304);

    await patch(w, { screenshotBlur: true });
    const changed = await agentSettings(a.deviceToken, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 1, settings: { screenshotBlur: true } });
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("the ETag changes with the rules and with the member's teams", async () => {
    const w = await roleWorld();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const etag0 = (await agentSettings(a.deviceToken)).headers.get("etag")!;

    const rule = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/rules`, { match: "app", pattern: "Slack", category: "neutral" });
    expect(rule.status).toBe(201);
    const afterRule = await agentSettings(a.deviceToken, { "if-none-match": etag0 });
    expect(afterRule.status).toBe(200);
    expect(afterRule.body.version).toBe(1);
    const etag1 = afterRule.headers.get("etag")!;

    // Leaving team A changes which overrides apply, without any settings change.
    await db().delete(teamMembers).where(eq(teamMembers.memberId, w.roles.employee.memberId));
    const afterTeam = await agentSettings(a.deviceToken, { "if-none-match": etag1 });
    expect(afterTeam.status).toBe(200);
    expect(afterTeam.body.version).toBe(1);
    expect(afterTeam.headers.get("etag")).not.toBe(etag1);
  });

  it("team overrides reach only members of that team, ahead of workspace-wide rules", async () => {
    const w = await roleWorld();
    const post = (body: object) => api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/rules`, body);
    const wide = (await post({ match: "domain", pattern: "YouTube.com", category: "unproductive", priority: 10 })).body;
    const teamA = (await post({ match: "domain", pattern: "youtube.com", category: "productive", teamId: w.teamA, projectId: w.projectA })).body;
    const teamB = (await post({ match: "title", pattern: "Standup", category: "neutral", teamId: w.teamB })).body;
    expect(wide.pattern).toBe("youtube.com");

    const inA = await signInAgent(w.roles.employee.token, w.ws); // team A
    const inB = await signInAgent(w.employee2.token, w.ws); // team B
    const none = await signInAgent(w.roles.owner.token, w.ws); // no team

    const ids = async (token: string) => ((await agentSettings(token)).body.rules as { id: string }[]).map((r) => r.id);
    expect(await ids(inA.deviceToken)).toEqual([teamA.id, wide.id]);
    expect(await ids(inB.deviceToken)).toEqual([teamB.id, wide.id]);
    expect(await ids(none.deviceToken)).toEqual([wide.id]);

    const [first] = (await agentSettings(inA.deviceToken)).body.rules;
    expect(first).toEqual({ id: teamA.id, scope: "team", teamId: w.teamA, match: "domain", pattern: "youtube.com", category: "productive", projectId: w.projectA, priority: 0 });

    // An archived team's overrides no longer apply.
    await db().update(teams).set({ archivedAt: Date.now() }).where(eq(teams.id, w.teamA));
    expect(await ids(inA.deviceToken)).toEqual([wide.id]);
  });
});

describe("projects for the agent's picker", () => {
  /** Adds to roleWorld, all in the employee's reach unless said: a project without client or tasks
   *  whose lower-case name sorts first, tasks that are done or archived (not offered), a second open
   *  task, and an archived project. */
  async function world() {
    const w = await roleWorld();
    const bare = newId(), archivedProject = newId(), doneTask = newId(), archivedTask = newId(), alphaTask = newId();
    const d = db();
    await d.batch([
      d.insert(projects).values([
        { id: bare, workspaceId: w.ws, name: "beta tools" },
        { id: archivedProject, workspaceId: w.ws, name: "Archived project", archivedAt: Date.now() },
      ]),
      d.insert(projectMembers).values([
        { projectId: bare, memberId: w.roles.employee.memberId, role: "member" },
        { projectId: archivedProject, memberId: w.roles.employee.memberId, role: "member" },
      ]),
      d.insert(tasks).values([
        { id: doneTask, workspaceId: w.ws, projectId: w.projectA, name: "Done task", status: "done" },
        { id: archivedTask, workspaceId: w.ws, projectId: w.projectA, name: "Archived task", archivedAt: Date.now() },
        { id: alphaTask, workspaceId: w.ws, projectId: w.projectA, name: "alpha task" },
      ]),
    ]);
    return { ...w, bare, archivedProject, alphaTask };
  }
  type World = Awaited<ReturnType<typeof world>>;
  const projectA = (w: World, taskList = [{ id: w.alphaTask, name: "alpha task" }, { id: w.taskA, name: "Task A" }]) =>
    ({ id: w.projectA, name: "Project A", clientName: "Acme Client", tasks: taskList });
  const bareProject = (w: World) => ({ id: w.bare, name: "beta tools", clientName: null, tasks: [] });

  it("an employee gets the unarchived projects they are a member of, sorted by name, with their open tasks", async () => {
    const w = await world();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const res = await agentSettings(a.deviceToken);
    expect(res.status).toBe(200);
    expect(res.body.projects).toEqual([bareProject(w), projectA(w)]);
  });

  it("a project manager gets the projects they manage; employee2 only project B", async () => {
    const w = await world();
    const pm = await signInAgent(w.roles.project_manager.token, w.ws);
    expect((await agentSettings(pm.deviceToken)).body.projects).toEqual([projectA(w)]);
    const e2 = await signInAgent(w.employee2.token, w.ws);
    expect((await agentSettings(e2.deviceToken)).body.projects).toEqual([
      { id: w.projectB, name: "Project B", clientName: "Globex", tasks: [{ id: w.taskB, name: "Task B" }] },
    ]);
  });

  it("owners and executives get every unarchived project of their workspace, and nothing of another", async () => {
    const w = await world();
    for (const role of ["owner", "executive"] as const) {
      const a = await signInAgent(w.roles[role].token, w.ws);
      const list = (await agentSettings(a.deviceToken)).body.projects as { id: string }[];
      expect(list, role).toEqual([
        bareProject(w), projectA(w), { id: w.projectB, name: "Project B", clientName: "Globex", tasks: [{ id: w.taskB, name: "Task B" }] },
      ]);
    }
  });

  it("archiving a task changes the list and the ETag", async () => {
    const w = await world();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const etag = (await agentSettings(a.deviceToken)).headers.get("etag")!;
    expect((await agentSettings(a.deviceToken, { "if-none-match": etag })).status).toBe(304);

    const archived = await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tasks/${w.taskA}`, { archived: true });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    const after = await agentSettings(a.deviceToken, { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(0);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.body.projects).toEqual([bareProject(w), projectA(w, [{ id: w.alphaTask, name: "alpha task" }])]);
    // And then nothing else changed: 304 again with the new tag.
    expect((await agentSettings(a.deviceToken, { "if-none-match": after.headers.get("etag")! })).status).toBe(304);
  });

  it("renaming a project and creating a task change the ETag", async () => {
    const w = await world();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const etag0 = (await agentSettings(a.deviceToken)).headers.get("etag")!;
    expect((await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/projects/${w.projectA}`, { name: "Apollo" })).status).toBe(200);
    const renamed = await agentSettings(a.deviceToken, { "if-none-match": etag0 });
    expect(renamed.status).toBe(200);
    expect((renamed.body.projects as { name: string }[]).map((p) => p.name)).toEqual(["Apollo", "beta tools"]);
    const etag1 = renamed.headers.get("etag")!;
    expect(etag1).not.toBe(etag0);

    const created = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/projects/${w.bare}/tasks`, { name: "Setup" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const withTask = await agentSettings(a.deviceToken, { "if-none-match": etag1 });
    expect(withTask.status).toBe(200);
    expect(withTask.body.projects[1]).toEqual({ ...bareProject(w), tasks: [{ id: created.body.id, name: "Setup" }] });
  });

  it("removing the member from a project changes the list and the ETag", async () => {
    const w = await world();
    const a = await signInAgent(w.roles.employee.token, w.ws);
    const etag = (await agentSettings(a.deviceToken)).headers.get("etag")!;
    const removed = await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/projects/${w.projectA}/members/${w.roles.employee.memberId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBeLessThan(300);
    const after = await agentSettings(a.deviceToken, { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.body.projects).toEqual([bareProject(w)]);
  });
});
