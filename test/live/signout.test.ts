/**
 * A revoked session stops receiving at once: its open live sockets close with 4401 (signedOut)
 * through the real API and services (sign-out, revoking one session, password change and reset),
 * in every workspace the person is active in, while the same person's other sessions keep theirs.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { members, sessions } from "../../worker/db/schema";
import { newId } from "../../worker/db/ids";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { createResetLink } from "../../worker/services/auth/passwordReset";
import { createSession } from "../../worker/services/sessions";
import { createBareWorkspace, ctx, PASSWORD, roleWorld, tokenFor } from "../helpers/factory";
import { api, Browser } from "../helpers/http";
import { agentFor, beatOk, closeAll, connectWith, entryOn, type Viewer } from "./support";

/** A browser signed in through the real session service, with its session id. */
async function browserSession(userId: string) {
  const t = await createSession(ctx(), userId, "browser", ["pwd"]);
  const browser = new Browser();
  browser.cookies.set(ACCESS_COOKIE, t.accessToken);
  browser.cookies.set(REFRESH_COOKIE, t.refreshToken);
  return { browser, sessionId: t.sessionId, cookie: browser.cookieHeader() };
}

/** Resolves true if the socket is still open after a moment in which a close would have arrived. */
async function stillOpen(v: Viewer, ms = 300): Promise<boolean> {
  await v.until(() => v.closed !== null, "", ms).catch(() => undefined);
  return v.closed === null;
}

async function closedWith(v: Viewer, what: string) {
  await v.until(() => v.closed !== null, what);
  return v.closed!.code;
}

const NEW_PASSWORD = "another long passphrase 42";

describe("revoking a session closes its live sockets (4401)", () => {
  it("signing out: that session's sockets close in every workspace; the person's other session keeps receiving", async () => {
    const w = await roleWorld();
    const manager = w.roles.team_manager;
    // The manager is also an active member of a second workspace, with the board open there too.
    const second = await createBareWorkspace("Second");
    await ctx().db.insert(members).values({ id: newId(), workspaceId: second, userId: manager.userId, role: "employee", displayName: "tm" });
    const leaving = await browserSession(manager.userId);
    const staying = await browserSession(manager.userId);
    const viewers: Viewer[] = [];
    try {
      const gone = await connectWith(w.ws, leaving.cookie);
      const goneSecond = await connectWith(second, leaving.cookie);
      const stays = await connectWith(w.ws, staying.cookie);
      viewers.push(gone, goneSecond, stays);

      const res = await leaving.browser.fetch("/api/v1/auth/logout", { method: "POST" });
      expect(res.status).toBe(204);
      expect(await closedWith(gone, "the signed-out socket closing")).toBe(LIVE_CLOSE.signedOut);
      expect(await closedWith(goneSecond, "the signed-out socket in the second workspace closing")).toBe(LIVE_CLOSE.signedOut);
      expect(await stillOpen(stays)).toBe(true);
      // The other session still gets deltas.
      await beatOk(await agentFor(w.roles.employee.token, w.ws), { state: "tracking", entry: entryOn(w.projectA) });
      await stays.until(() => stays.row(w.roles.employee.memberId)?.status === "tracking", "the employee tracking");
      // And the signed-out browser cannot reconnect.
      expect((await leaving.browser.fetch(`/live/${w.ws}`, { headers: { upgrade: "websocket" } })).status).toBe(401);
    } finally {
      closeAll(viewers);
    }
  });

  it("revoking one session (DELETE /me/sessions/{id}) closes only that session's socket", async () => {
    const w = await roleWorld();
    const owner = w.roles.owner;
    const a = await browserSession(owner.userId);
    const b = await browserSession(owner.userId);
    const viewers: Viewer[] = [];
    try {
      const onA = await connectWith(w.ws, a.cookie);
      const onB = await connectWith(w.ws, b.cookie);
      viewers.push(onA, onB);
      expect((await api(owner.token, "DELETE", `/api/v1/me/sessions/${b.sessionId}`)).status).toBe(204);
      expect(await closedWith(onB, "session B's socket closing")).toBe(LIVE_CLOSE.signedOut);
      expect(await stillOpen(onA)).toBe(true);
      // Revoking someone else's session id is a 404 and closes nothing.
      expect((await api(w.roles.employee.token, "DELETE", `/api/v1/me/sessions/${a.sessionId}`)).status).toBe(404);
      expect(await stillOpen(onA)).toBe(true);
    } finally {
      closeAll(viewers);
    }
  });

  it("a session header sent by the client is ignored: the socket belongs to the session that opened it", async () => {
    const w = await roleWorld();
    const owner = w.roles.owner;
    const mine = await browserSession(owner.userId);
    const other = await browserSession(owner.userId);
    const viewers: Viewer[] = [];
    try {
      const v = await connectWith(w.ws, mine.cookie, { headers: { "x-worktrail-live-session": other.sessionId } });
      viewers.push(v);
      expect((await api(owner.token, "DELETE", `/api/v1/me/sessions/${other.sessionId}`)).status).toBe(204);
      expect(await stillOpen(v)).toBe(true);
      expect((await api(owner.token, "DELETE", `/api/v1/me/sessions/${mine.sessionId}`)).status).toBe(204);
      expect(await closedWith(v, "the socket of the session that opened it")).toBe(LIVE_CLOSE.signedOut);
    } finally {
      closeAll(viewers);
    }
  });

  it("changing the password closes the other sessions' sockets; the session that changed it keeps its own", async () => {
    const w = await roleWorld();
    const exec = w.roles.executive;
    const changer = await browserSession(exec.userId);
    const elsewhere = await browserSession(exec.userId);
    const viewers: Viewer[] = [];
    try {
      const kept = await connectWith(w.ws, changer.cookie);
      const gone = await connectWith(w.ws, elsewhere.cookie);
      viewers.push(kept, gone);
      const res = await changer.browser.fetch("/api/v1/me/password", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
      });
      expect(res.status, await res.text()).toBe(204);
      expect(await closedWith(gone, "the other session's socket closing")).toBe(LIVE_CLOSE.signedOut);
      expect(await stillOpen(kept)).toBe(true);
    } finally {
      closeAll(viewers);
    }
  });

  it("resetting the password closes every session's sockets", async () => {
    const w = await roleWorld();
    const employee = w.roles.employee;
    const one = await browserSession(employee.userId);
    const two = await browserSession(employee.userId);
    const viewers: Viewer[] = [];
    try {
      const first = await connectWith(w.ws, one.cookie);
      const second = await connectWith(w.ws, two.cookie);
      viewers.push(first, second);
      const link = await createResetLink(ctx(), employee.userId);
      const token = new URL(link!).searchParams.get("token");
      const res = await api(null, "POST", "/api/v1/auth/password/reset", { token, password: NEW_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await closedWith(first, "the first session's socket closing")).toBe(LIVE_CLOSE.signedOut);
      expect(await closedWith(second, "the second session's socket closing")).toBe(LIVE_CLOSE.signedOut);
    } finally {
      closeAll(viewers);
    }
  });

  it("a refused password change (wrong current password) closes nothing", async () => {
    const w = await roleWorld();
    const exec = w.roles.executive;
    const a = await browserSession(exec.userId);
    const b = await browserSession(exec.userId);
    const viewers: Viewer[] = [];
    try {
      const onB = await connectWith(w.ws, b.cookie);
      viewers.push(onB);
      const res = await api(await tokenFor(exec.userId), "POST", "/api/v1/me/password", { currentPassword: "not the password at all", newPassword: NEW_PASSWORD });
      expect(res.status).not.toBe(204);
      expect(await stillOpen(onB)).toBe(true);
      const [row] = await ctx().db.select({ revokedAt: sessions.revokedAt }).from(sessions).where(eq(sessions.id, a.sessionId));
      expect(row?.revokedAt).toBeNull();
    } finally {
      closeAll(viewers);
    }
  });
});
