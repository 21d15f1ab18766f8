import { describe, expect, it } from "vitest";
import { newId } from "../../worker/db/ids";
import { teams } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { structureCounts, W } from "./support";

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe("structure input validation", () => {
  it("rejects unknown fields, naming each one, and writes nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const t = w.roles.owner.token;
    const cases: [string, string, unknown, string[]][] = [
      ["POST", "/teams", { name: "T", workspaceId: w.foreign.ws }, ["workspaceId"]],
      ["PATCH", `/teams/${w.teamA}`, { name: "T", id: newId(), isAdmin: true }, ["id", "isAdmin"]],
      ["POST", "/clients", { name: "C", archivedAt: 1 }, ["archivedAt"]],
      ["POST", "/projects", { name: "P", workspace_id: w.foreign.ws }, ["workspace_id"]],
      ["PATCH", `/projects/${w.projectA}`, { archivedAt: null }, ["archivedAt"]],
      ["PUT", `/projects/${w.projectA}/members/${w.employee2.memberId}`, { role: "member", workspaceRole: "owner" }, ["workspaceRole"]],
      ["PUT", `/teams/${w.teamA}/members/${w.employee2.memberId}`, { isManager: false, role: "owner" }, ["role"]],
      ["POST", `/projects/${w.projectA}/tasks`, { name: "T", projectId: w.projectB }, ["projectId"]],
      ["PATCH", `/tasks/${w.taskA}`, { projectId: w.projectB }, ["projectId"]],
    ];
    for (const [method, path, body, expected] of cases) {
      const r = await api(t, method, W(w, path), body);
      expect(r.status, `${method} ${path}`).toBe(422);
      expect(r.body.code).toBe("validation_failed");
      expect(fields(r.body), `${method} ${path}`).toEqual(expected);
      expect(r.body.errors.every((e: { code: string }) => e.code === "unknown_field")).toBe(true);
    }
    expect(await structureCounts(w.ws)).toEqual(before);
  });

  it("rejects wrong types, empty and too-long names, bad colours and unknown roles", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const t = w.roles.owner.token;
    const long = "x".repeat(121);
    const cases: [string, string, unknown, string][] = [
      ["POST", "/teams", {}, "name"],
      ["POST", "/teams", { name: 42 }, "name"],
      ["POST", "/teams", { name: "   " }, "name"],
      ["POST", "/teams", { name: long }, "name"],
      ["PATCH", `/teams/${w.teamA}`, { archived: "yes" }, "archived"],
      ["POST", "/clients", { name: long }, "name"],
      ["POST", "/projects", { name: "P", color: "red" }, "color"],
      ["POST", "/projects", { name: "P", billable: "true" }, "billable"],
      ["POST", "/projects", { name: "P", clientId: 7 }, "clientId"],
      ["PATCH", `/projects/${w.projectA}`, { name: long }, "name"],
      ["PUT", `/projects/${w.projectA}/members/${w.employee2.memberId}`, { role: "owner" }, "role"],
      ["PUT", `/projects/${w.projectA}/members/${w.employee2.memberId}`, {}, "role"],
      ["PUT", `/teams/${w.teamA}/members/${w.employee2.memberId}`, { isManager: "yes" }, "isManager"],
      ["POST", `/projects/${w.projectA}/tasks`, { name: long }, "name"],
      ["PATCH", `/tasks/${w.taskA}`, { status: "closed" }, "status"],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await api(t, method, W(w, path), body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(422);
      expect(fields(r.body), `${method} ${path} ${JSON.stringify(body)}`).toEqual([field]);
    }
    // Exactly 120 characters is fine.
    expect((await api(t, "POST", W(w, "/teams"), { name: "y".repeat(120) })).status).toBe(201);
    expect((await structureCounts(w.ws)).teams).toBe(before.teams + 1);
  });

  it("answers 400 to an empty update and to malformed JSON", async () => {
    const w = await roleWorld();
    const t = w.roles.owner.token;
    for (const path of [`/teams/${w.teamA}`, `/clients/${w.clientA}`, `/projects/${w.projectA}`, `/tasks/${w.taskA}`]) {
      const r = await api(t, "PATCH", W(w, path), {});
      expect(r.status, path).toBe(400);
      expect(r.body.code).toBe("nothing_to_update");
    }
    const bad = await api(t, "POST", W(w, "/teams"), "{not json");
    expect(bad.status).toBe(400);
  });

  it("validates list queries: flags, limits and cursors", async () => {
    const w = await roleWorld();
    const t = w.roles.owner.token;
    for (const q of ["includeArchived=1", "includeArchived=yes", "limit=0", "limit=1000", "limit=abc"]) {
      const r = await api(t, "GET", W(w, `/teams?${q}`));
      expect(r.status, q).toBe(422);
    }
    for (const cursor of ["garbage!", "bm90IGpzb24", btoa(JSON.stringify({ a: 1 })).replace(/=+$/, "")]) {
      const r = await api(t, "GET", W(w, `/projects?cursor=${encodeURIComponent(cursor)}`));
      expect(r.status, cursor).toBe(422);
      expect(r.body.errors).toEqual([expect.objectContaining({ field: "cursor", code: "invalid_cursor" })]);
    }
  });

  it("pages through a list in name order (ignoring case) without gaps or repeats", async () => {
    const w = await roleWorld();
    const extra = ["alpha", "Bravo", "charlie", "Delta", "echo", "Team a2", "ÄÖ team"];
    await ctx().db.insert(teams).values(extra.map((name) => ({ id: newId(), workspaceId: w.ws, name })));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const r = await api(w.roles.owner.token, "GET", W(w, `/teams${q}`));
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((i: { name: string }) => i.name));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(["alpha", "Bravo", "charlie", "Delta", "echo", "Team A", "Team a2", "Team B", "ÄÖ team"]);
    expect(pages).toBe(5);
  });

  it("publishes the structure routes in the OpenAPI document", async () => {
    const r = await api(null, "GET", "/api/openapi.json");
    expect(r.status).toBe(200);
    for (const p of [
      "/v1/workspaces/{workspaceId}/teams/{teamId}/members/{memberId}",
      "/v1/workspaces/{workspaceId}/clients/{clientId}",
      "/v1/workspaces/{workspaceId}/projects/{projectId}/members/{memberId}",
      "/v1/workspaces/{workspaceId}/projects/{projectId}/tasks",
      "/v1/workspaces/{workspaceId}/tasks/{taskId}",
    ]) expect(Object.keys(r.body.paths), p).toContain(p);
  });
});
