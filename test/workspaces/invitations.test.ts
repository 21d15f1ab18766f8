import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invitations, mailOutbox, members } from "../../worker/db/schema";
import { createUser, ctx, roleWorld, tokenFor } from "../helpers/factory";
import { api } from "../helpers/http";

async function lastLinkTo(email: string) {
  const [m] = await ctx().db.select().from(mailOutbox).where(eq(mailOutbox.to, email)).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(1);
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(m?.text ?? "")?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

describe("invitations", () => {
  it("invites by email, the invitee accepts once with the invited address and gets the role", async () => {
    const w = await roleWorld();
    const invitee = await createUser({ email: "Invitee.One@Example.test" });
    const inv = await api(w.roles.executive.token, "POST", `/api/v1/workspaces/${w.ws}/invitations`, { email: "INVITEE.ONE@example.test", role: "team_manager" });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email: "invitee.one@example.test", role: "team_manager", status: "pending" });
    const token = await lastLinkTo("invitee.one@example.test");
    const [stored] = await ctx().db.select().from(invitations).where(eq(invitations.id, inv.body.id));
    expect(stored!.tokenHash).not.toContain(token); // only the hash is stored

    const preview = await api(null, "GET", `/api/v1/invitations/${token}`);
    expect(preview.body).toMatchObject({ workspaceName: "Acme Corp", role: "team_manager", status: "pending" });

    const stranger = await createUser();
    const wrong = await api(await tokenFor(stranger.id), "POST", `/api/v1/invitations/${token}/accept`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe("invitation_email_mismatch");

    const inviteeToken = await tokenFor(invitee.id);
    const ok = await api(inviteeToken, "POST", `/api/v1/invitations/${token}/accept`);
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe("team_manager");
    expect((await api(inviteeToken, "GET", `/api/v1/workspaces/${w.ws}`)).body.myRole).toBe("team_manager");

    const again = await api(inviteeToken, "POST", `/api/v1/invitations/${token}/accept`);
    expect(again.status).toBe(410);
    expect(again.body.code).toBe("invitation_accepted");
    expect(await ctx().db.select().from(members).where(eq(members.userId, invitee.id))).toHaveLength(1);
  });

  it("resend replaces the link, revoke kills it, expiry ends it", async () => {
    const w = await roleWorld();
    const invitee = await createUser({ email: "resend@example.test" });
    const t = await tokenFor(invitee.id);
    const inv = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/invitations`, { email: "resend@example.test", role: "employee" });
    const first = await lastLinkTo("resend@example.test");
    const tooSoon = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/invitations/${inv.body.id}/resend`);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers.get("retry-after")).toBeTruthy();
    await ctx().db.update(invitations).set({ lastSentAt: Date.now() - 120_000 }).where(eq(invitations.id, inv.body.id));
    const resent = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/invitations/${inv.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body.sentCount).toBe(2);
    const second = await lastLinkTo("resend@example.test");
    expect(second).not.toBe(first);
    expect((await api(t, "POST", `/api/v1/invitations/${first}/accept`)).status).toBe(404);

    await ctx().db.update(invitations).set({ expiresAt: Date.now() - 1 }).where(eq(invitations.id, inv.body.id));
    const expired = await api(t, "POST", `/api/v1/invitations/${second}/accept`);
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe("invitation_expired");

    const inv2 = await api(w.roles.owner.token, "POST", `/api/v1/workspaces/${w.ws}/invitations`, { email: "resend@example.test", role: "employee" });
    expect(inv2.status).toBe(201);
    const third = await lastLinkTo("resend@example.test");
    expect((await api(w.roles.owner.token, "DELETE", `/api/v1/workspaces/${w.ws}/invitations/${inv2.body.id}`)).body.status).toBe("revoked");
    expect((await api(t, "POST", `/api/v1/invitations/${third}/accept`)).body.code).toBe("invitation_revoked");
  });

  it("refuses duplicates, existing members, unassignable roles, and foreign invitation ids", async () => {
    const w = await roleWorld();
    const base = `/api/v1/workspaces/${w.ws}/invitations`;
    expect((await api(w.roles.owner.token, "POST", base, { email: "dup@example.test", role: "employee" })).status).toBe(201);
    const dup = await api(w.roles.owner.token, "POST", base, { email: "dup@example.test", role: "employee" });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("invitation_pending");
    const member = await api(w.roles.owner.token, "POST", base, { email: w.roles.employee.email, role: "employee" });
    expect(member.body.code).toBe("already_member");
    const bad = await api(w.roles.owner.token, "POST", base, { email: "not-an-email", role: "king" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["email", "role"]);
    const foreignInv = await api(w.foreign.owner.token, "POST", `/api/v1/workspaces/${w.foreign.ws}/invitations`, { email: "f@example.test", role: "employee" });
    expect((await api(w.roles.owner.token, "DELETE", `${base}/${foreignInv.body.id}`)).status).toBe(404);
    expect((await api(w.roles.owner.token, "POST", `${base}/${foreignInv.body.id}/resend`)).status).toBe(404);
  });
});
