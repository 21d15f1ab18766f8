import { describe, expect, it } from "vitest";
import { isExcluded, recordable } from "../src/core/tracker/privacy";
import { at, browser, expectConsistent, iso, Rig, settings, TERMINAL } from "./trackerHarness";

const exclusions = { apps: ["KeePassXC"], domains: ["bank.example"], titleKeywords: ["patient record"] };

describe("tracker: usage spans", () => {
  // A window change is seen by the reading at the end of the next second: spans switch there.
  it("records one span per app+title+URL and closes it when the window changes and on stop", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(20);
    rig.window = browser("https://crm.example.com/clients/42", "Client 42");
    await rig.seconds(15);
    rig.window = { ...browser("https://crm.example.com/clients/42", "Client 42"), pid: 99 }; // same facts
    await rig.seconds(5);
    rig.window = null; // nothing focused
    await rig.seconds(5);
    rig.window = TERMINAL;
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    expect(rig.latest("usage").map((u) => [u.app, u.title, u.url, u.start, u.end])).toEqual([
      ["xterm", "~/src", undefined, iso(at(9, 0)), iso(at(9, 0, 21))],
      ["firefox", "Client 42", "https://crm.example.com/clients/42", iso(at(9, 0, 21)), iso(at(9, 0, 41))],
      ["xterm", "~/src", undefined, iso(at(9, 0, 46)), iso(at(9, 0, 55))],
    ]);
    expectConsistent(rig);
  });

  it("cuts spans at slot boundaries", async () => {
    const rig = new Rig({ start: at(9, 9) });
    await rig.signInAndStart();
    await rig.seconds(120);
    await rig.handle({ type: "stop" });
    expect(rig.latest("usage").map((u) => [u.start, u.end])).toEqual([
      [iso(at(9, 9)), iso(at(9, 10))],
      [iso(at(9, 10)), iso(at(9, 11))],
    ]);
    expectConsistent(rig);
  });

  it("keeps the last spans for the 'what is recorded' view, exactly as uploaded", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    expect(rig.tracker.recentUsage()).toEqual(rig.latest("usage"));
  });
});

describe("tracker: privacy filter", () => {
  it("never emits anything of an excluded app, site or title, not even the app name, but still counts the time", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { exclusions } });
    await rig.signInAndStart();
    await rig.seconds(20);
    rig.window = { app: "keepassxc", title: "Passwords.kdbx", url: null, pid: 12 };
    await rig.seconds(20);
    expect(rig.tracker.snapshot()).toMatchObject({ focusExcluded: true, current: null });
    rig.window = { app: "Chromium", title: "Online banking", url: "https://online.bank.example/login?user=ada", pid: 13 };
    await rig.seconds(20);
    rig.window = { app: "gedit", title: "Patient Record - Smith.odt", url: null, pid: 14 };
    await rig.seconds(20);
    rig.window = browser("https://crm.example.com/", "CRM");
    await rig.seconds(20);
    expect(rig.tracker.snapshot().focusExcluded).toBe(false);
    await rig.handle({ type: "stop" });

    const everything = JSON.stringify(rig.records).toLowerCase();
    for (const secret of ["keepass", "passwords", "chromium", "bank", "ada", "gedit", "patient", "smith"]) expect(everything).not.toContain(secret);
    expect(rig.latest("usage").map((u) => [u.app, u.start, u.end])).toEqual([
      ["xterm", iso(at(9, 0)), iso(at(9, 0, 21))],
      ["firefox", iso(at(9, 1, 21)), iso(at(9, 1, 40))],
    ]);
    expect(rig.tracker.todaySeconds()).toBe(100);
    expectConsistent(rig);
  });

  it("reduces URLs to scheme+host+path: no query, fragment or credentials ever leave", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    rig.window = browser("https://ada:hunter2@crm.example.com:8443/clients/42?token=s3cr3t&q=x#notes");
    await rig.seconds(10);
    rig.window = browser("file:///home/ada/diary.txt");
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    const urls = rig.latest("usage").map((u) => u.url);
    expect(urls).toEqual([undefined, "https://crm.example.com:8443/clients/42", undefined]);
    const everything = JSON.stringify(rig.records);
    for (const secret of ["s3cr3t", "token", "notes", "hunter2", "diary"]) expect(everything).not.toContain(secret);
    expectConsistent(rig);
  });

  it("drops titles when the workspace does not capture them (and titles alone do not split spans)", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { captureTitles: false } });
    await rig.signInAndStart();
    await rig.seconds(10);
    rig.window = { ...TERMINAL, title: "vim secret-plan.md" };
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    const usage = rig.latest("usage");
    expect(usage).toHaveLength(1);
    expect(usage[0]).not.toHaveProperty("title");
    expect(JSON.stringify(rig.records)).not.toContain("secret-plan");
    expectConsistent(rig);
  });

  it("drops URLs when URL tracking is off, and records no usage at all when app tracking is off", async () => {
    const noUrls = new Rig({ start: at(9, 0), settings: { trackUrls: false } });
    noUrls.window = browser("https://crm.example.com/clients/42");
    await noUrls.signInAndStart();
    await noUrls.seconds(10);
    await noUrls.handle({ type: "stop" });
    expect(noUrls.latest("usage")).toEqual([expect.objectContaining({ app: "firefox", title: "Page" })]);
    expect(JSON.stringify(noUrls.records)).not.toContain("crm.example.com");

    const noApps = new Rig({ start: at(9, 0), settings: { trackApps: false } });
    await noApps.signInAndStart();
    await noApps.seconds(10);
    await noApps.handle({ type: "stop" });
    expect(noApps.latest("usage")).toEqual([]);
    expect(noApps.entries()).toHaveLength(1);
    expectConsistent(noApps);
  });

  it("applies new settings to spans not yet sent", async () => {
    const rig = new Rig({ start: at(9, 0) });
    await rig.signInAndStart();
    await rig.seconds(10, false);
    rig.tracker.updateSettings(settings({ exclusions: { apps: ["xterm"], domains: [], titleKeywords: [] } }));
    await rig.seconds(10);
    await rig.handle({ type: "stop" });
    expect(rig.latest("usage")).toEqual([]);
  });

  it("matches exclusions like the server: app names whole, domains with subdomains, title keywords anywhere, case-insensitive", () => {
    expect(isExcluded({ app: " KeePassXC ", title: null, url: null }, exclusions)).toBe(true);
    expect(isExcluded({ app: "KeePass", title: null, url: null }, exclusions)).toBe(false);
    expect(isExcluded({ app: "firefox", title: null, url: "https://BANK.example/x" }, exclusions)).toBe(true);
    expect(isExcluded({ app: "firefox", title: null, url: "https://notbank.example/" }, exclusions)).toBe(false);
    expect(isExcluded({ app: "okular", title: "PATIENT RECORD 7", url: null }, exclusions)).toBe(true);
    expect(isExcluded({ app: "okular", title: "x", url: null }, { apps: [""], domains: [""], titleKeywords: [" "] })).toBe(false);
    // The screenshot scheduler asks the tracker with the workspace's current exclusions.
    const rig = new Rig({ settings: { exclusions } });
    expect(rig.tracker.isExcluded({ app: "KeePassXC", title: null, url: null })).toBe(true);
    expect(rig.tracker.isExcluded(TERMINAL)).toBe(false);
    // An excluded title is checked even where titles are not captured.
    expect(recordable({ app: "okular", title: "Patient record", url: null }, settings({ captureTitles: false, exclusions }))).toBeNull();
  });
});
