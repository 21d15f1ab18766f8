/** The timesheet page shows a member's screenshots to viewers whose scope covers them, and to nobody else. */
import { eq } from "drizzle-orm";
import { v7 } from "uuid";
import { describe, expect, it } from "vitest";
import { workspaces } from "../../worker/db/schema";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { createSession } from "../../worker/services/sessions";
import { ctx, roleWorld } from "../helpers/factory";
import { Browser } from "../helpers/http";
import { placeShot } from "../screenshots/support";

async function browserAs(userId: string) {
  const t = await createSession(ctx(), userId, "browser", ["pwd"]);
  const b = new Browser();
  b.cookies.set(ACCESS_COOKIE, t.accessToken);
  b.cookies.set(REFRESH_COOKIE, t.refreshToken);
  return b;
}

describe("screenshots on the timesheet page", () => {
  it("owner, team manager and the member see the thumbnails; the privacy toggle hides them from the manager", async () => {
    const w = await roleWorld();
    const takenAt = Date.now() - 30 * 60_000;
    const shotId = v7();
    await placeShot(w.ws, w.roles.employee.memberId, takenAt, shotId);
    const date = new Date(takenAt).toISOString().slice(0, 10);
    const page = (b: Browser) => b.fetch(`/w/${w.ws}/time?member=${w.roles.employee.memberId}&date=${date}`).then((r) => r.text());
    const thumb = `/api/v1/workspaces/${w.ws}/screenshots/${shotId}?variant=thumb`;
    expect(await page(await browserAs(w.roles.owner.userId))).toContain(thumb);
    expect(await page(await browserAs(w.roles.team_manager.userId))).toContain(thumb);
    const own = await (await browserAs(w.roles.employee.userId)).fetch(`/w/${w.ws}/time?date=${date}`).then((r) => r.text());
    expect(own).toContain(thumb);
    await ctx().db.update(workspaces).set({ managersSeeScreenshots: false }).where(eq(workspaces.id, w.ws));
    const hidden = await page(await browserAs(w.roles.team_manager.userId));
    expect(hidden).not.toContain(shotId);
  });
});
