/**
 * The tracking settings page: owners and executives edit through a form that works without
 * JavaScript; everyone else reads, in plain words, what is recorded about them. Bad input shows
 * field errors and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { ROLES } from "../../worker/db/schema";
import { roleWorld, type RoleWorld } from "../helpers/factory";
import { api } from "../helpers/http";
import { auditOf, fieldErrorOf, mainOf, page, settingsRow, signedIn } from "./support";

const path = (w: RoleWorld) => `/w/${w.ws}/settings/tracking`;

/** Everything the form posts, as a browser would send it with the defaults on screen (unchecked boxes are absent). */
const FORM = {
  screenshotsPerSlot: "1", memberMayDelete: "on", screenshotRetentionDays: "30", trackApps: "on", trackUrls: "on", captureTitles: "on",
  idleThresholdMinutes: "5", idlePolicy: "ask", manualTime: "allowed", excludedApps: "", excludedDomains: "", excludedTitleKeywords: "",
};

describe("tracking settings page", () => {
  it.each(ROLES)("%s: editable for owners and executives, a read-only statement of what is recorded for everyone else", async (role) => {
    const w = await roleWorld();
    const b = await signedIn(w.roles[role].userId);
    const main = mainOf(await page(b, path(w)));
    const admin = role === "owner" || role === "executive";
    expect(main.includes('name="screenshotsPerSlot"'), role).toBe(admin);
    expect(main.includes("Save tracking settings"), role).toBe(admin);
    expect(main.includes("What is recorded about you"), role).toBe(!admin);
    if (!admin) {
      expect(main).not.toMatch(/<form[^>]*method="post"/);
      // The defaults, in plain words.
      expect(main).toContain("One screenshot in each 10 minutes of tracked time");
      expect(main).toContain("After 5 minutes without keyboard or mouse use the time counts as idle.");
      expect(main).toContain("Never which keys you press");
    }
    // The tab bar: General only for those who may open it.
    expect(main.includes(`href="/w/${w.ws}/settings"`), role).toBe(admin);
    expect(main).toContain(`href="/w/${w.ws}/settings/rules"`);
  });

  it("a change through the form is stored, bumps the version once and is audited; the same values again change nothing", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.executive.userId);
    // Unticking "members may delete" and "record websites" leaves them out of the post, as a browser does.
    const { memberMayDelete: _delete, trackUrls: _urls, ...ticked } = FORM;
    const form = {
      ...ticked, screenshotsPerSlot: "3", screenshotBlur: "on", screenshotRetentionDays: "90", idleThresholdMinutes: "10",
      idlePolicy: "discard", manualTime: "approval", excludedApps: "KeePassXC\r\n\r\n  1Password \r\nKeePassXC", excludedDomains: "Bank.Example.com\nmail.example.org",
      excludedTitleKeywords: "patient record",
    };
    const res = await b.fetch(path(w), { method: "POST", form });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Tracking settings saved.");
    expect(await settingsRow(w.ws)).toMatchObject({
      screenshotsPerSlot: 3, screenshotBlur: true, screenshotDeletion: "forbidden", screenshotRetentionDays: 90, trackApps: true,
      trackUrls: false, captureTitles: true, idleThresholdS: 600, idlePolicy: "discard", manualTime: "approval", version: 1,
      exclusions: { apps: ["KeePassXC", "1Password"], domains: ["bank.example.com", "mail.example.org"], titleKeywords: ["patient record"] },
    });
    expect(await auditOf(w.ws, "tracking.settings_changed")).toHaveLength(1);

    // The page shows what was stored, and posting it unchanged is not a new version.
    const again = await b.fetch(path(w), { method: "POST", form });
    expect(await again.text()).toContain("Nothing changed.");
    expect((await settingsRow(w.ws))!.version).toBe(1);
    const shown = await page(b, path(w));
    expect(shown).toContain("Version 1, changed");
    expect(shown).toMatch(/<textarea[^>]*name="excludedDomains"[^>]*>bank.example.com\nmail.example.org<\/textarea>/);

    // An employee now reads the new promise.
    const emp = mainOf(await page(await signedIn(w.roles.employee.userId), path(w)));
    expect(emp).toContain("Up to 3 screenshots in each 10 minutes of tracked time, at random moments, blurred so text cannot be read.");
    expect(emp).toContain("They are deleted after 90 days. You cannot delete them yourself.");
    expect(emp).toContain("The websites you visit are not recorded.");
    expect(emp).toContain("the time counts as idle. It is removed from your time automatically.");
    expect(emp).toContain("a manager approves it before it counts.");
    expect(emp).toContain("bank.example.com");
    expect(emp).toContain("patient record");
  });

  it("invalid input shows an error next to each field and changes nothing", async () => {
    const w = await roleWorld();
    const b = await signedIn(w.roles.owner.userId);
    const res = await b.fetch(path(w), {
      method: "POST",
      form: { ...FORM, screenshotsPerSlot: "4", screenshotRetentionDays: "-5", idleThresholdMinutes: "", idlePolicy: "maybe", excludedDomains: "ok.example.com\nhttps://bank.example.com/login" },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(fieldErrorOf(html, "screenshotsPerSlot")).toBe("Choose between 0 and 3 screenshots.");
    expect(fieldErrorOf(html, "screenshotRetentionDays")).toBe("Enter a whole number of days from 1 to 3650.");
    expect(fieldErrorOf(html, "idleThresholdMinutes")).toBe("Enter a number of minutes from 1 to 120.");
    expect(fieldErrorOf(html, "idlePolicy")).toBe("Choose one of the listed options.");
    expect(fieldErrorOf(html, "excludedDomains")).toBe("&quot;https://bank.example.com/login&quot;: Enter a host name such as example.com.");
    expect(html).toContain("Please correct the highlighted fields.");
    expect(await settingsRow(w.ws)).toBeUndefined();
    expect(await auditOf(w.ws, "tracking.settings_changed")).toHaveLength(0);

    // A fractional count is as wrong as a negative one.
    const half = await b.fetch(path(w), { method: "POST", form: { ...FORM, screenshotsPerSlot: "1.5" } });
    expect(half.status).toBe(422);
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("a member who may only read gets 403 for a posted change, and nothing changes", async () => {
    const w = await roleWorld();
    for (const role of ["employee", "team_manager", "project_viewer"] as const) {
      const b = await signedIn(w.roles[role].userId);
      const res = await b.fetch(path(w), { method: "POST", form: { ...FORM, screenshotsPerSlot: "0" } });
      expect(res.status, role).toBe(403);
    }
    expect(await settingsRow(w.ws)).toBeUndefined();
  });

  it("keeps an idle threshold set through the API in seconds when the form is saved with other changes", async () => {
    const w = await roleWorld();
    expect((await api(w.roles.owner.token, "PATCH", `/api/v1/workspaces/${w.ws}/tracking-settings`, { idleThresholdSeconds: 100 })).status).toBe(200);
    const b = await signedIn(w.roles.owner.userId);
    const html = await page(b, path(w));
    const shown = /name="idleThresholdMinutes"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="idleThresholdMinutes"/.exec(html);
    const minutes = shown?.[1] ?? shown?.[2];
    expect(minutes).toBe("1.6667");
    await b.fetch(path(w), { method: "POST", form: { ...FORM, idleThresholdMinutes: minutes!, screenshotsPerSlot: "2" } });
    expect(await settingsRow(w.ws)).toMatchObject({ idleThresholdS: 100, screenshotsPerSlot: 2, version: 2 });
  });
});
