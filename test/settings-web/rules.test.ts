/**
 * The classification rules page: everyone reads the rules their agent applies; owners and executives
 * add workspace rules and team overrides through a form and remove them. Each change bumps the
 * tracking settings version (agents refetch); bad input shows field errors and stores nothing.
 */
import { describe, expect, it } from "vitest";
import { ROLES } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { fieldErrorOf, mainOf, page, rulesOf, settingsRow, signedIn } from "./support";

const path = (w: RoleWorld) => `/w/${w.ws}/settings/rules`;
const addRule = (w: RoleWorld, body: Record<string, unknown>) => api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/rules`, body);

describe("classification rules page", () => {
  it.each(ROLES)("%s sees the rules; only owners and executives get the form and Remove buttons", async (role) => {
    const w = await roleWorld();
    expect((await addRule(w, { match: "app", pattern: "Slack", category: "neutral" })).status).toBe(201);
    expect((await addRule(w, { match: "domain", pattern: "github.com", category: "productive", teamId: w.teamA, projectId: w.projectA })).status).toBe(201);
    const main = mainOf(await page(await signedIn(w.roles[role].userId), path(w)));
    const admin = role === "owner" || role === "executive";
    expect(main).toContain("Slack");
    expect(main).toContain("github.com");
    expect(main).toContain('class="badge badge-success">Productive</span>');
    expect(main.includes("Add rule"), role).toBe(admin);
    expect(main.includes(">Remove</button>"), role).toBe(admin);
    // Team and project names only within the reader's own scope (roleWorld: the team manager and the
    // employee are in Team A; the project manager, the employee and the viewer are on Project A).
    expect(main.includes(">Team A<"), role).toBe(["owner", "executive", "team_manager", "employee"].includes(role));
    expect(main.includes("Project A"), role).toBe(role !== "team_manager");
    expect(main.includes(">A team<"), role).toBe(["project_manager", "project_viewer"].includes(role));
  });

  it("an owner adds a team override with a project through the form; the version goes up", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.owner.userId);
    const res = await b.fetch(path(w), {
      method: "POST",
      form: { intent: "create", match: "domain", pattern: " GitHub.com ", category: "productive", teamId: w.teamA, projectId: w.projectA, priority: "5" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Rule added: website &quot;github.com&quot; is productive.");
    const [rule] = await rulesOf(w.ws);
    expect(rule).toMatchObject({ match: "domain", pattern: "github.com", category: "productive", teamId: w.teamA, projectId: w.projectA, priority: 5 });
    expect((await settingsRow(w.ws))!.version).toBe(1);

    // Empty selects mean "whole workspace" and "no project"; an empty priority the default.
    const plain = await b.fetch(path(w), { method: "POST", form: { intent: "create", match: "title", pattern: "Invoice", category: "neutral", teamId: "", projectId: "", priority: "" } });
    expect(plain.status).toBe(200);
    expect(await rulesOf(w.ws)).toContainEqual(expect.objectContaining({ pattern: "Invoice", teamId: null, projectId: null, priority: 0 }));
    expect((await settingsRow(w.ws))!.version).toBe(2);
  });

  it("bad input shows field errors and stores nothing", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.executive.userId);
    const bad = await b.fetch(path(w), { method: "POST", form: { intent: "create", match: "domain", pattern: "https://github.com/x", category: "productive" } });
    expect(bad.status).toBe(422);
    expect(fieldErrorOf(await bad.text(), "pattern")).toBe("Enter a host name such as example.com (no scheme or path).");
    const worse = await b.fetch(path(w), { method: "POST", form: { intent: "create", match: "regex", pattern: "", category: "great", priority: "1.5" } });
    expect(worse.status).toBe(422);
    const html = await worse.text();
    for (const field of ["match", "pattern", "category", "priority"]) expect(fieldErrorOf(html, field), field).not.toBeNull();
    expect(await rulesOf(w.ws)).toEqual([]);
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("an owner removes a rule; a reader's posts are refused and a foreign rule is 404", async () => {
    const w = await roleWorld();
    const created = await addRule(w, { match: "app", pattern: "Steam", category: "unproductive" });
    const foreign = await api(w.foreign.owner.token, "POST", `/api/v1/workspaces/${w.foreign.ws}/rules`, { match: "app", pattern: "Other", category: "neutral" });

    const emp = await signedIn(w.roles.employee.userId);
    expect((await emp.fetch(path(w), { method: "POST", form: { intent: "delete", id: created.body.id } })).status).toBe(403);
    expect((await emp.fetch(path(w), { method: "POST", form: { intent: "create", match: "app", pattern: "X", category: "neutral" } })).status).toBe(403);
    expect(await rulesOf(w.ws)).toHaveLength(1);

    const owner = await signedIn(w.roles.owner.userId);
    expect((await owner.fetch(path(w), { method: "POST", form: { intent: "delete", id: foreign.body.id } })).status).toBe(404);
    expect(await rulesOf(w.foreign.ws)).toHaveLength(1);
    const res = await owner.fetch(path(w), { method: "POST", form: { intent: "delete", id: created.body.id } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Rule removed.");
    expect(await rulesOf(w.ws)).toEqual([]);
    expect((await settingsRow(w.ws))!.version).toBe(2); // one for the rule, one for its removal
  });

  it("shows the rules one team's members get: workspace rules plus that team's overrides", async () => {
    const w = await roleWorld();
    await addRule(w, { match: "app", pattern: "EveryoneApp", category: "neutral" });
    await addRule(w, { match: "app", pattern: "TeamAApp", category: "productive", teamId: w.teamA });
    await addRule(w, { match: "app", pattern: "TeamBApp", category: "unproductive", teamId: w.teamB });
    const b = await signedIn(w.roles.owner.userId);
    const all = mainOf(await page(b, path(w)));
    for (const p of ["EveryoneApp", "TeamAApp", "TeamBApp"]) expect(all).toContain(p);
    const teamA = mainOf(await page(b, `${path(w)}?team=${w.teamA}`));
    expect(teamA).toContain("Rules for Team A&#x27;s members (2)");
    expect(teamA).toContain("EveryoneApp");
    expect(teamA).toContain("TeamAApp");
    expect(teamA).not.toContain("TeamBApp");
    // A team outside the reader's scope (or another workspace's) is ignored, not revealed.
    const emp = mainOf(await page(await signedIn(w.roles.employee.userId), `${path(w)}?team=${w.teamB}`));
    expect(emp).toContain("Rules (3)");
    expect(emp).not.toContain("Team B");
  });
});
