/**
 * The live board's grace period, `offlineAfterSeconds` (60–3600, default 180): the tracking settings
 * API, the settings page's field, and what agents download.
 */
import { describe, expect, it } from "vitest";
import { roleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { agentSettings, signInAgent } from "../tracking-d1/support";
import { fieldErrorOf, mainOf, page, settingsRow, signedIn } from "../settings-web/support";

const path = (ws: string) => `/api/v1/workspaces/${ws}/tracking-settings`;

/** The tracking form as the page posts it with the defaults on screen. */
const FORM = {
  screenshotsPerSlot: "1", memberMayDelete: "on", screenshotRetentionDays: "30", trackApps: "on", trackUrls: "on", captureTitles: "on",
  idleThresholdMinutes: "5", offlineAfterMinutes: "3", idlePolicy: "ask", manualTime: "allowed", excludedApps: "", excludedDomains: "", excludedTitleKeywords: "",
};

describe("offlineAfterSeconds", () => {
  it("defaults to 180 seconds, changes through the API within 60–3600 and reaches the agent's settings", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.employee.token, "GET", path(w.ws))).body.offlineAfterSeconds).toBe(180);
    const res = await api(w.roles.owner.token, "PATCH", path(w.ws), { offlineAfterSeconds: 600 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ offlineAfterSeconds: 600, version: 1 });
    expect(await settingsRow(w.ws)).toMatchObject({ offlineAfterS: 600 });
    const agent = await signInAgent(w.roles.employee.token, w.ws);
    expect((await agentSettings(agent.deviceToken)).body.settings.offlineAfterSeconds).toBe(600);
  });

  it.each([["too short", 59], ["too long", 3601], ["not whole", 90.5], ["not a number", "180"]])("%s is a 422 naming the field and stores nothing", async (_n, value) => {
    const w = await roleWorld();
    const res = await api(w.roles.owner.token, "PATCH", path(w.ws), { offlineAfterSeconds: value });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "offlineAfterSeconds" })]);
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("only owners and executives change it", async () => {
    const w = await roleWorld();
    const res = await api(w.roles.team_manager.token, "PATCH", path(w.ws), { offlineAfterSeconds: 600 });
    expect(res.status).toBe(403);
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("the settings page shows it in minutes with a label, saves it, and reports a bad value on its field", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.owner.userId);
    const main = mainOf(await page(b, `/w/${w.ws}/settings/tracking`));
    const id = /<input[^>]*name="offlineAfterMinutes"[^>]*id="([^"]+)"|<input[^>]*id="([^"]+)"[^>]*name="offlineAfterMinutes"/.exec(main);
    const inputId = id?.[1] ?? id?.[2];
    expect(inputId).toBeTruthy();
    expect(main).toContain(`for="${inputId}"`);
    expect(main).toMatch(/name="offlineAfterMinutes"[^>]*value="3"|value="3"[^>]*name="offlineAfterMinutes"/);

    const saved = await b.fetch(`/w/${w.ws}/settings/tracking`, { method: "POST", form: { ...FORM, offlineAfterMinutes: "10" } });
    expect(saved.status).toBeLessThan(400);
    expect(await settingsRow(w.ws)).toMatchObject({ offlineAfterS: 600 });

    const bad = await b.fetch(`/w/${w.ws}/settings/tracking`, { method: "POST", form: { ...FORM, offlineAfterMinutes: "0.5" } });
    expect(bad.status).toBe(422);
    expect(fieldErrorOf(await bad.text(), "offlineAfterMinutes")).toBe("Enter a number of minutes from 1 to 60.");
    expect(await settingsRow(w.ws)).toMatchObject({ offlineAfterS: 600 });
  });

  it("a form posted without the field (a page from before it existed) leaves it as it is", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.owner.token, "PATCH", path(w.ws), { offlineAfterSeconds: 900 })).status).toBe(200);
    const b = await signedIn(w.roles.owner.userId);
    const { offlineAfterMinutes: _omit, ...older } = FORM;
    const res = await b.fetch(`/w/${w.ws}/settings/tracking`, { method: "POST", form: { ...older, screenshotsPerSlot: "2" } });
    expect(res.status).toBeLessThan(400);
    expect(await settingsRow(w.ws)).toMatchObject({ offlineAfterS: 900, screenshotsPerSlot: 2 });
  });
});
