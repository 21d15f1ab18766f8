import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { clients } from "../../worker/db/schema";
import { ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditEntries, names, structureCounts, W } from "./support";

describe("clients", () => {
  it("lists exactly the clients in each role's scope", async () => {
    const w = await roleWorld();
    const list = async (role: keyof typeof w.roles) => names((await api(w.roles[role].token, "GET", W(w, "/clients"))).body);
    expect(await list("owner")).toEqual(["Acme Client", "Globex"]);
    expect(await list("executive")).toEqual(["Acme Client", "Globex"]);
    // Everyone else: the clients of projects they are assigned to.
    expect(await list("project_manager")).toEqual(["Acme Client"]);
    expect(await list("employee")).toEqual(["Acme Client"]);
    expect(await list("project_viewer")).toEqual(["Acme Client"]);
    expect(await list("team_manager")).toEqual([]);
  });

  it("creates, renames, archives and restores a client, auditing each step", async () => {
    const w = await roleWorld();
    const created = await api(w.roles.owner.token, "POST", W(w, "/clients"), { name: "Initech" });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect((await api(w.roles.owner.token, "PATCH", W(w, `/clients/${id}`), { name: "Initech Ltd" })).body.name).toBe("Initech Ltd");
    expect((await api(w.roles.owner.token, "PATCH", W(w, `/clients/${id}`), { archived: true })).body.archivedAt).toEqual(expect.any(Number));
    expect(names((await api(w.roles.owner.token, "GET", W(w, "/clients"))).body)).not.toContain("Initech Ltd");
    expect(names((await api(w.roles.owner.token, "GET", W(w, "/clients?includeArchived=true"))).body)).toContain("Initech Ltd");
    expect((await api(w.roles.owner.token, "PATCH", W(w, `/clients/${id}`), { archived: false })).body.archivedAt).toBeNull();
    const actions = (await auditEntries(w.ws)).filter((a) => a.targetId === id).map((a) => a.action);
    expect(actions).toEqual(["client.created", "client.renamed", "client.archived", "client.unarchived"]);
  });

  it("has no DELETE: clients are archived, never deleted", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "DELETE", W(w, `/clients/${w.clientA}`));
    expect(r.status).toBe(404);
    expect(await ctx().db.select().from(clients).where(eq(clients.id, w.clientA))).toHaveLength(1);
  });

  it("refuses duplicate names with 409 name_taken", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.owner.token, "POST", W(w, "/clients"), { name: "GLOBEX" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("name_taken");
    const rename = await api(w.roles.owner.token, "PATCH", W(w, `/clients/${w.clientA}`), { name: "globex" });
    expect(rename.status).toBe(409);
  });

  it("refuses foreign-workspace ids with 404 and writes nothing", async () => {
    const w = await roleWorld();
    const before = await structureCounts(w.ws);
    const t = w.roles.owner.token;
    expect((await api(t, "GET", W(w, `/clients/${w.foreign.client}`))).status).toBe(404);
    expect((await api(t, "PATCH", W(w, `/clients/${w.foreign.client}`), { archived: true })).status).toBe(404);
    expect((await api(t, "GET", W(w, "/clients/not-a-uuid"))).status).toBe(404);
    expect(await structureCounts(w.ws)).toEqual(before);
    const [fc] = await ctx().db.select().from(clients).where(eq(clients.id, w.foreign.client));
    expect(fc!.archivedAt).toBeNull();
  });

  it("lets roles that can see a client read it but not change it", async () => {
    const w = await roleWorld();
    const r = await api(w.roles.project_manager.token, "PATCH", W(w, `/clients/${w.clientA}`), { name: "Mine" });
    expect(r.status).toBe(403);
    expect((await api(w.roles.team_manager.token, "PATCH", W(w, `/clients/${w.clientA}`), { name: "Mine" })).status).toBe(404);
    const [c] = await ctx().db.select().from(clients).where(eq(clients.id, w.clientA));
    expect(c!.name).toBe("Acme Client");
  });
});
