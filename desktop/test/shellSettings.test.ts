import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { autostartDir, desktopEntry, launchPath, setLinuxAutostart } from "../src/main/linuxAutostart";
import { DEFAULT_SETTINGS, ShellSettingsStore } from "../src/main/shellSettings";

const P = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wt-shell-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("shell settings", () => {
  it("starts from the defaults and keeps what was saved across restarts", async () => {
    const a = new ShellSettingsStore(dir);
    expect(await a.load()).toEqual(DEFAULT_SETTINGS);
    await a.update({ autoLaunch: false, lastServer: "https://wt.example.com" });
    await a.update({ lastStart: { projectId: P, taskId: null, note: "standup" } });
    expect((await stat(join(dir, "shell-settings.json"))).mode & 0o777).toBe(0o600);
    const b = await new ShellSettingsStore(dir).load();
    expect(b).toEqual({ autoLaunch: false, lastServer: "https://wt.example.com", lastStart: { projectId: P, taskId: null, note: "standup" } });
  });

  it("ignores a damaged file and bad fields field by field", async () => {
    await writeFile(join(dir, "shell-settings.json"), "{not json");
    expect(await new ShellSettingsStore(dir).load()).toEqual(DEFAULT_SETTINGS);
    await writeFile(join(dir, "shell-settings.json"), JSON.stringify({ autoLaunch: false, lastServer: "http://evil.example", lastStart: { projectId: null, taskId: P, note: "" } }));
    expect(await new ShellSettingsStore(dir).load()).toEqual({ ...DEFAULT_SETTINGS, autoLaunch: false });
  });

  it("hands out copies, so callers cannot change the stored settings", async () => {
    const s = new ShellSettingsStore(dir);
    s.get().lastStart.note = "mutated";
    expect(s.get().lastStart.note).toBe("");
  });
});

describe("Linux autostart", () => {
  it("writes an XDG autostart entry that starts hidden, and removes it", async () => {
    await setLinuxAutostart(true, { dir, execPath: "/opt/Worktrail/worktrail", args: ["--hidden"] });
    const text = await readFile(join(dir, "dev.worktrail.agent.desktop"), "utf8");
    expect(text).toContain("[Desktop Entry]\nType=Application\n");
    expect(text).toContain('Exec="/opt/Worktrail/worktrail" "--hidden"\n');
    await setLinuxAutostart(false, { dir, args: [] });
    await expect(stat(join(dir, "dev.worktrail.agent.desktop"))).rejects.toThrow(/ENOENT/);
    await setLinuxAutostart(false, { dir, args: [] }); // already gone: fine
  });

  it("quotes the command per the Desktop Entry spec", () => {
    const exec = /Exec=(.*)\n/.exec(desktopEntry('/home/a b/W"t$`x\\y%z', ["--hidden"]))?.[1];
    // quote rule escapes " ` $ \ with a backslash; string escaping then doubles each backslash; % becomes %%.
    expect(exec).toBe('"/home/a b/W\\\\"t\\\\$\\\\`x\\\\\\\\y%%z" "--hidden"');
    expect(() => desktopEntry("/x\nExec=/bin/evil", [])).toThrow(/line breaks/);
  });

  it("launches the AppImage file, not its temporary mount", () => {
    expect(launchPath({ APPIMAGE: "/home/ada/Apps/Worktrail.AppImage" }, "/tmp/.mount_Worktr1/worktrail")).toBe("/home/ada/Apps/Worktrail.AppImage");
    expect(launchPath({}, "/opt/Worktrail/worktrail")).toBe("/opt/Worktrail/worktrail");
  });

  it("follows XDG_CONFIG_HOME when it is absolute", () => {
    expect(autostartDir({ XDG_CONFIG_HOME: "/cfg" })).toBe("/cfg/autostart");
    expect(autostartDir({ XDG_CONFIG_HOME: "relative" }).endsWith("/.config/autostart")).toBe(true);
  });
});
