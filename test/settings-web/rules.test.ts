/**
 * The classification rules page: everyone reads the rules their agent applies; owners and executives
 * add workspace rules and team overrides through a form, edit them on their own page (the same
 * fields, prefilled) and remove them. Each change bumps the tracking settings version (agents
 * refetch); bad input shows field errors and stores nothing.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { projects, ROLES } from "../../worker/db/schema";
import { ctx, roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditOf, fieldErrorOf, mainOf, page, rulesOf, settingsRow, signedIn } from "./support";

const path = (w: RoleWorld) => `/w/${w.ws}/settings/rules`;
const editPath = (ws: string, ruleId: string) => `/w/${ws}/settings/rules/${ruleId}/edit`;

/** The value a server-rendered <select name=…> starts with (React marks the default option `selected`). */
function selectedOf(html: string, name: string): string | null {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1];
  return select === undefined ? null : (/<option value="([^"]*)" selected=""/.exec(select)?.[1] ?? null);
}

/** The value a server-rendered <input name=…> starts with. */
function inputValueOf(html: string, name: string): string | null {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input === undefined ? null : (/ value="([^"]*)"/.exec(input)?.[1] ?? null);
}
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
    expect(main.includes(">Edit</a>"), role).toBe(admin);
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

  it("an owner edits a rule through the prefilled form: the list shows the new values, audited, version bumped", async () => {
    const w = await roleWorld();
    const created = await addRule(w, { match: "domain", pattern: "github.com", category: "productive", teamId: w.teamA, projectId: w.projectA, priority: 5 });
    const id: string = created.body.id;
    const b = await signedIn(w.roles.owner.userId);
    expect(mainOf(await page(b, path(w)))).toContain(`href="${editPath(w.ws, id)}"`);

    const form = mainOf(await page(b, editPath(w.ws, id)));
    expect(selectedOf(form, "match")).toBe("domain");
    expect(inputValueOf(form, "pattern")).toBe("github.com");
    expect(selectedOf(form, "category")).toBe("productive");
    expect(selectedOf(form, "teamId")).toBe(w.teamA);
    expect(selectedOf(form, "projectId")).toBe(w.projectA);
    expect(inputValueOf(form, "priority")).toBe("5");

    const res = await b.fetch(editPath(w.ws, id), {
      method: "POST",
      form: { match: "title", pattern: " Quarterly report ", category: "unproductive", teamId: "", projectId: w.projectB, priority: "-3" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(path(w));
    expect(await rulesOf(w.ws)).toEqual([expect.objectContaining({
      id, match: "title", pattern: "Quarterly report", category: "unproductive", teamId: null, projectId: w.projectB, priority: -3,
    })]);
    expect((await settingsRow(w.ws))!.version).toBe(2); // one for the rule, one for the edit

    const list = mainOf(await page(b, path(w)));
    expect(list).toContain('<span class="mono">Quarterly report</span>');
    expect(list).toContain('class="badge badge-danger">Unproductive</span>');
    expect(list).toContain("<td>Project B</td>");
    expect(list).toContain('<td class="num">-3</td>');
    expect(list).not.toContain('<span class="mono">github.com</span>');

    const [audit, ...more] = await auditOf(w.ws, "rule.updated");
    expect(more).toEqual([]);
    expect(audit!.actorUserId).toBe(w.roles.owner.userId);
    expect(audit!.targetId).toBe(id);
    expect(JSON.parse(audit!.data)).toEqual({
      from: { match: "domain", pattern: "github.com", category: "productive", teamId: w.teamA, projectId: w.projectA, priority: 5 },
      to: { match: "title", pattern: "Quarterly report", category: "unproductive", teamId: null, projectId: w.projectB, priority: -3 },
    });
  });

  it("bad input on the edit page shows field errors and changes nothing", async () => {
    const w = await roleWorld();
    const created = await addRule(w, { match: "app", pattern: "Slack", category: "neutral", priority: 2 });
    const before = await rulesOf(w.ws);
    const b = await signedIn(w.roles.executive.userId);

    const bad = await b.fetch(editPath(w.ws, created.body.id), { method: "POST", form: { match: "domain", pattern: "https://github.com/x", category: "productive", priority: "2" } });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(fieldErrorOf(badHtml, "pattern")).toBe("Enter a host name such as example.com (no scheme or path).");
    expect(badHtml).toContain("Save rule"); // the form is shown again, with the error next to its field

    const worse = await b.fetch(editPath(w.ws, created.body.id), { method: "POST", form: { match: "regex", pattern: "", category: "great", priority: "1.5" } });
    expect(worse.status).toBe(422);
    const html = await worse.text();
    for (const field of ["match", "pattern", "category", "priority"]) expect(fieldErrorOf(html, field), field).not.toBeNull();

    const unknownTeam = await b.fetch(editPath(w.ws, created.body.id), { method: "POST", form: { match: "app", pattern: "Slack", category: "neutral", teamId: w.foreign.team } });
    expect(unknownTeam.status).toBe(404);

    expect(await rulesOf(w.ws)).toEqual(before);
    expect((await settingsRow(w.ws))!.version).toBe(1);
    expect(await auditOf(w.ws, "rule.updated")).toEqual([]);
  });

  it("keeps a project archived since the rule was made when other fields are edited", async () => {
    const w = await roleWorld();
    const created = await addRule(w, { match: "app", pattern: "Figma", category: "productive", projectId: w.projectA });
    await ctx().db.update(projects).set({ archivedAt: Date.now() }).where(eq(projects.id, w.projectA));
    const b = await signedIn(w.roles.owner.userId);
    const form = mainOf(await page(b, editPath(w.ws, created.body.id)));
    expect(selectedOf(form, "projectId")).toBe(w.projectA);
    expect(form).toContain("Project A (archived)");

    const res = await b.fetch(editPath(w.ws, created.body.id), { method: "POST", form: { match: "app", pattern: "Figma", category: "neutral", teamId: "", projectId: w.projectA, priority: "" } });
    expect(res.status).toBe(302);
    expect(await rulesOf(w.ws)).toEqual([expect.objectContaining({ category: "neutral", projectId: w.projectA, priority: 0 })]);
    // Choosing an archived project anew is still refused by the service.
    const other = await addRule(w, { match: "app", pattern: "Sketch", category: "neutral" });
    const refused = await b.fetch(editPath(w.ws, other.body.id), { method: "POST", form: { match: "app", pattern: "Sketch", category: "neutral", projectId: w.projectA } });
    expect(refused.status).toBe(409);
    expect(fieldErrorOf(await refused.text(), "projectId")).toBe("The project is archived.");
  });

  it("readers get no edit page and their posts are refused; foreign, unknown and malformed rule ids are 404", async () => {
    const w = await roleWorld();
    const created = await addRule(w, { match: "app", pattern: "Steam", category: "unproductive" });
    const foreign = await api(w.foreign.owner.token, "POST", `/api/v1/workspaces/${w.foreign.ws}/rules`, { match: "app", pattern: "Other", category: "neutral" });
    const before = await rulesOf(w.ws);
    const change = { match: "app", pattern: "Steam", category: "productive", teamId: "", projectId: "", priority: "" };

    for (const role of ["team_manager", "project_manager", "employee", "project_viewer"] as const) {
      const reader = await signedIn(w.roles[role].userId);
      expect((await reader.fetch(editPath(w.ws, created.body.id))).status, role).toBe(403);
      expect((await reader.fetch(editPath(w.ws, created.body.id), { method: "POST", form: change })).status, role).toBe(403);
    }
    expect(await rulesOf(w.ws)).toEqual(before);

    const owner = await signedIn(w.roles.owner.userId);
    for (const id of [foreign.body.id, "01900000-0000-7000-8000-000000000000", "not-a-rule"]) {
      expect((await owner.fetch(editPath(w.ws, id))).status, id).toBe(404);
      expect((await owner.fetch(editPath(w.ws, id), { method: "POST", form: change })).status, id).toBe(404);
    }
    // The foreign workspace's owner, too, reaches the rule only through their own workspace.
    const outsider = await signedIn(w.foreign.owner.userId);
    expect((await outsider.fetch(editPath(w.ws, created.body.id))).status).toBe(404);
    expect(await rulesOf(w.foreign.ws)).toEqual([expect.objectContaining({ pattern: "Other", category: "neutral" })]);
    expect(await rulesOf(w.ws)).toEqual(before);
  });
});
