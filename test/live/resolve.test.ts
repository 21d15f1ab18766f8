/**
 * The route hands the object when it started resolving the scope (rescope ordering): an upgrade
 * whose scope predates a refresh the object has seen is refused and the route resolves again; a
 * refresh from before the resolution does not get in the way.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { roleWorld } from "../helpers/factory";
import { connect, cookieOf, openLive } from "./support";

const stubOf = (ws: string) => env.WORKSPACE.get(env.WORKSPACE.idFromName(ws)) as DurableObjectStub<WorkspaceObject>;

describe("the scope's resolve time", () => {
  it("a refresh that started earlier does not refuse the upgrade", async () => {
    const w = await roleWorld();
    expect(await stubOf(w.ws).liveViewers(Date.now() - 1000)).toEqual([]);
    const v = await connect(w.ws, w.roles.owner.userId);
    v.close();
  });

  it("while every resolution predates a refresh, the route retries and then answers 409 live_scope_stale", async () => {
    const w = await roleWorld();
    // A refresh the object saw start an hour from now: no resolution can be as new.
    await stubOf(w.ws).liveViewers(Date.now() + 3_600_000);
    const res = await openLive(w.ws, { cookie: await cookieOf(w.roles.owner.userId) });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "live_scope_stale" });
    expect(res.webSocket).toBeNull();
    expect(await stubOf(w.ws).liveViewers()).toEqual([]);
  });
});
