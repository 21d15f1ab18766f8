/**
 * Who may open GET /live/<ws>, checked in the route's order: WebSocket upgrade (426), browser
 * session (401), own Origin (403, the cross-site WebSocket hijacking defence), opening rate (429),
 * membership (404), and that a scope header sent by the client never reaches the object.
 */
import { describe, expect, it } from "vitest";
import { LIVE_OPEN_LIMIT } from "../../worker/routes/live";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { createSession } from "../../worker/services/sessions";
import { newId } from "../../worker/db/ids";
import { members } from "../../worker/db/schema";
import { createBareWorkspace, createUser, ctx, roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentFor, beatOk, closeAll, connect, cookieOf, entryOn, openLive, Viewer } from "./support";

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; code: string };
}

describe("GET /live/{workspaceId} refuses", () => {
  it("a request that is not a WebSocket upgrade: 426 websocket_required", async () => {
    const w = await roleWorld();
    const res = await openLive(w.ws, { cookie: await cookieOf(w.roles.owner.userId), upgrade: false });
    expect(res.status).toBe(426);
    expect(res.headers.get("upgrade")).toBe("websocket");
    expect((await problem(res)).code).toBe("websocket_required");
  });

  it("an upgrade without a session: 401 unauthenticated", async () => {
    const w = await roleWorld();
    const res = await openLive(w.ws);
    expect(res.status).toBe(401);
    expect((await problem(res)).code).toBe("unauthenticated");
  });

  it("a Bearer token instead of the browser session: 401", async () => {
    const w = await roleWorld();
    const res = await openLive(w.ws, { headers: { authorization: `Bearer ${w.roles.owner.token}` } });
    expect(res.status).toBe(401);
  });

  it.each([
    ["no Origin", null],
    ["another site's Origin", "https://evil.example"],
    ["our host on another scheme", "https://localhost"],
    ["the opaque origin", "null"],
  ])("a signed-in upgrade with %s: 403 origin_not_allowed", async (_name, origin) => {
    const w = await roleWorld();
    const res = await openLive(w.ws, { cookie: await cookieOf(w.roles.owner.userId), origin });
    expect(res.status).toBe(403);
    expect((await problem(res)).code).toBe("origin_not_allowed");
  });

  it("a user who is no member, a foreign workspace's owner, and a malformed id: 404", async () => {
    const w = await roleWorld();
    const stranger = await createUser();
    for (const [userId, ws] of [[stranger.id, w.ws], [w.foreign.owner.userId, w.ws], [w.roles.owner.userId, w.foreign.ws], [w.roles.owner.userId, "not-a-uuid"]] as const) {
      const res = await openLive(ws, { cookie: await cookieOf(userId) });
      expect(res.status, `${userId} → ${ws}`).toBe(404);
      expect((await problem(res)).code).toBe("not_found");
    }
  });

  it("a deactivated member who keeps a session through another workspace: 404", async () => {
    const w = await roleWorld();
    // Without another membership deactivation also ends the person's sessions (then it is a 401).
    const elsewhere = await createBareWorkspace("Elsewhere");
    await ctx().db.insert(members).values({ id: newId(), workspaceId: elsewhere, userId: w.roles.employee.userId, role: "employee", displayName: "E" });
    const cookie = await cookieOf(w.roles.employee.userId);
    const off = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/members/${w.roles.employee.memberId}/deactivate`);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await openLive(w.ws, { cookie })).status).toBe(404);
    const still = await openLive(elsewhere, { cookie });
    expect(still.status).toBe(101);
    still.webSocket!.accept();
    still.webSocket!.close(1000);
  });

  it(`more than ${LIVE_OPEN_LIMIT.limit} openings a minute by one user: 429 rate_limited`, async () => {
    const w = await roleWorld();
    const cookie = await cookieOf(w.roles.owner.userId);
    // Openings count before the membership check, so refused ones (a workspace that does not exist) count too.
    const missing = crypto.randomUUID();
    for (let i = 0; i < LIVE_OPEN_LIMIT.limit; i++) expect((await openLive(missing, { cookie })).status).toBe(404);
    const over = await openLive(w.ws, { cookie });
    expect(over.status).toBe(429);
    expect((await problem(over)).code).toBe("rate_limited");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another user is not affected.
    const other = await openLive(w.ws, { cookie: await cookieOf(w.roles.executive.userId) });
    expect(other.status).toBe(101);
    other.webSocket!.accept();
    other.webSocket!.close(1000);
  });
});

describe("GET /live/{workspaceId} accepts", () => {
  it("a member's browser session from our own origin, and refreshes an expired access cookie", async () => {
    const w = await roleWorld();
    const t = await createSession(ctx(), w.roles.owner.userId, "browser", ["pwd"]);
    // Only the refresh cookie: the session middleware rotates it, and the 101 carries the new cookies.
    const res = await openLive(w.ws, { cookie: `${REFRESH_COOKIE}=${t.refreshToken}` });
    expect(res.status).toBe(101);
    const setCookies = res.headers.getSetCookie().join("\n");
    expect(setCookies).toContain(`${ACCESS_COOKIE}=`);
    expect(setCookies).toContain(`${REFRESH_COOKIE}=`);
    res.webSocket!.accept();
    res.webSocket!.close(1000);
  });

  it("never lets a client-sent scope header through: an employee forging `all` still sees only themselves", async () => {
    const w = await roleWorld();
    const other = await agentFor(w.employee2.token, w.ws);
    await beatOk(other, { state: "tracking", entry: entryOn(w.projectB) });
    const forged = JSON.stringify({ viewerMemberId: w.roles.owner.memberId, time: { all: true }, activity: { all: true }, apps: { all: true }, screenshots: { all: true } });
    const viewers: Viewer[] = [];
    try {
      const employee = await connect(w.ws, w.roles.employee.userId, { headers: { "x-worktrail-live-scope": forged } });
      viewers.push(employee);
      const owner = await connect(w.ws, w.roles.owner.userId);
      viewers.push(owner);
      // The owner sees employee2's row, so it exists; the employee's forged header did not widen their view.
      expect(owner.row(w.employee2.memberId)?.status).toBe("tracking");
      expect(employee.seen.has(w.employee2.memberId)).toBe(false);
    } finally {
      closeAll(viewers);
    }
  });
});
