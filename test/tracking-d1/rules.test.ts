/** Classification rules: CRUD with audit and version bumps, references checked, bad input refused. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { classificationRules, projects } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditOf, db, settingsRow } from "./support";

const rules = (w: RoleWorld) => `/api/v1/workspaces/${w.ws}/rules`;
const rulesIn = async (ws: string) => db().select().from(classificationRules).where(eq(classificationRules.workspaceId, ws));

describe("classification rules", () => {
  it("create, read, change and delete, each audited and each bumping the settings version", async () => {
    const w = await roleWorld();
    const created = await api(w.roles.executive.token, "POST", rules(w), { match: "app", pattern: "  Figma ", category: "productive", projectId: w.projectA, priority: 5 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ match: "app", pattern: "Figma", category: "productive", projectId: w.projectA, teamId: null, priority: 5 });
    const id: string = created.body.id;
    expect((await settingsRow(w.ws))!.version).toBe(1);

    const list = await api(w.roles.employee.token, "GET", rules(w));
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await api(w.roles.project_viewer.token, "GET", `${rules(w)}/${id}`)).body.pattern).toBe("Figma");

    const changed = await api(w.roles.owner.token, "PATCH", `${rules(w)}/${id}`, { category: "neutral", projectId: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ category: "neutral", projectId: null, pattern: "Figma" });
    expect((await settingsRow(w.ws))!.version).toBe(2);

    expect((await api(w.roles.owner.token, "DELETE", `${rules(w)}/${id}`)).status).toBe(204);
    expect(await rulesIn(w.ws)).toHaveLength(0);
    expect((await settingsRow(w.ws))!.version).toBe(3);
    expect((await api(w.roles.owner.token, "GET", `${rules(w)}/${id}`)).status).toBe(404);

    expect(await auditOf(w.ws, "rule.created")).toHaveLength(1);
    const [upd] = await auditOf(w.ws, "rule.updated");
    expect(JSON.parse(upd!.data)).toEqual({ from: { category: "productive", projectId: w.projectA }, to: { category: "neutral", projectId: null } });
    expect(await auditOf(w.ws, "rule.deleted")).toHaveLength(1);
  });

  it("a domain pattern must be a host name, also when only the match kind changes", async () => {
    const w = await roleWorld();
    const bad = await api(w.roles.owner.token, "POST", rules(w), { match: "domain", pattern: "https://x.example/path", category: "neutral" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: "pattern", code: "invalid_domain" })]);
    const title = await api(w.roles.owner.token, "POST", rules(w), { match: "title", pattern: "Daily standup", category: "neutral" });
    const toDomain = await api(w.roles.owner.token, "PATCH", `${rules(w)}/${title.body.id}`, { match: "domain" });
    expect(toDomain.status).toBe(422);
    expect(await rulesIn(w.ws)).toEqual([expect.objectContaining({ match: "title", pattern: "Daily standup" })]);
  });

  it("team and project ids must be of this workspace (404 naming the field); archived projects are refused", async () => {
    const w = await roleWorld();
    const foreignTeam = await api(w.roles.owner.token, "POST", rules(w), { match: "app", pattern: "X", category: "neutral", teamId: w.foreign.team });
    expect(foreignTeam.status).toBe(404);
    expect(foreignTeam.body.errors).toEqual([expect.objectContaining({ field: "teamId" })]);
    const foreignProject = await api(w.roles.owner.token, "POST", rules(w), { match: "app", pattern: "X", category: "neutral", projectId: w.foreign.project });
    expect(foreignProject.status).toBe(404);
    expect(foreignProject.body.errors).toEqual([expect.objectContaining({ field: "projectId" })]);
    await db().update(projects).set({ archivedAt: Date.now() }).where(eq(projects.id, w.projectB));
    const archived = await api(w.roles.owner.token, "POST", rules(w), { match: "app", pattern: "X", category: "neutral", projectId: w.projectB });
    expect(archived.status).toBe(409);
    expect(archived.body.code).toBe("project_archived");
    expect(await rulesIn(w.ws)).toHaveLength(0);
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("a rule of another workspace is a 404 for reads and writes", async () => {
    const w = await roleWorld();
    const theirs = await api(w.foreign.owner.token, "POST", `/api/v1/workspaces/${w.foreign.ws}/rules`, { match: "app", pattern: "X", category: "neutral" });
    expect((await api(w.roles.owner.token, "GET", `${rules(w)}/${theirs.body.id}`)).status).toBe(404);
    expect((await api(w.roles.owner.token, "PATCH", `${rules(w)}/${theirs.body.id}`, { category: "productive" })).status).toBe(404);
    expect((await api(w.roles.owner.token, "DELETE", `${rules(w)}/${theirs.body.id}`)).status).toBe(404);
    expect(await rulesIn(w.foreign.ws)).toEqual([expect.objectContaining({ category: "neutral" })]);
  });

  it.each([
    ["pattern of 201 characters", { match: "title", pattern: "x".repeat(201), category: "neutral" }, "pattern"],
    ["empty pattern", { match: "title", pattern: "   ", category: "neutral" }, "pattern"],
    ["unknown category", { match: "app", pattern: "X", category: "evil" }, "category"],
    ["unknown match", { match: "window", pattern: "X", category: "neutral" }, "match"],
    ["unknown field", { match: "app", pattern: "X", category: "neutral", regex: ".*" }, "regex"],
    ["priority out of range", { match: "app", pattern: "X", category: "neutral", priority: 5000 }, "priority"],
    ["team id not a uuid", { match: "app", pattern: "X", category: "neutral", teamId: "team-a" }, "teamId"],
  ])("%s is a 422 and nothing is stored", async (_name, body, field) => {
    const w = await roleWorld();
    const res = await api(w.roles.owner.token, "POST", rules(w), body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await rulesIn(w.ws)).toHaveLength(0);
    expect(await settingsRow(w.ws)).toBeUndefined();
    expect(await auditOf(w.ws, "rule.created")).toHaveLength(0);
  });

  it("a too-long pattern in a change is a 422 and the rule stays as it was", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "POST", rules(w), { match: "title", pattern: "ok", category: "neutral" });
    const res = await api(w.roles.owner.token, "PATCH", `${rules(w)}/${r.body.id}`, { pattern: "y".repeat(201) });
    expect(res.status).toBe(422);
    expect(await rulesIn(w.ws)).toEqual([expect.objectContaining({ pattern: "ok" })]);
    expect((await settingsRow(w.ws))!.version).toBe(1);
  });
});
