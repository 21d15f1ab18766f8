/**
 * The permission table itself, for what no route exercises yet: tracking-data scopes per role and the
 * owner's privacy toggles (PRODUCT.md: managers may be denied screenshots / apps; owners never are).
 */
import { describe, expect, it } from "vitest";
import { PERMISSIONS, scopeFor, type Resource } from "../../worker/authz/permissions";
import { ROLES, type Role } from "../../worker/db/schema";

const open = { managersSeeScreenshots: true, managersSeeApps: true };
const closed = { managersSeeScreenshots: false, managersSeeApps: false };

describe("permission table", () => {
  it("executives hold everything owners hold except billing, owners, privacy toggles and deletion", () => {
    const owner = new Set(PERMISSIONS.owner);
    const exec = new Set(PERMISSIONS.executive);
    expect([...exec].every((p) => owner.has(p))).toBe(true);
    expect([...owner].filter((p) => !exec.has(p)).sort()).toEqual(["billing:manage:all", "owners:manage:all", "privacy_toggles:update:all", "workspace:delete:all"]);
  });

  it("gives each role the tracking scope PRODUCT.md describes", () => {
    const expected: Record<Role, Partial<Record<Resource, string | null>>> = {
      owner: { time: "all", activity: "all", apps: "all", screenshots: "all" },
      executive: { time: "all", activity: "all", apps: "all", screenshots: "all" },
      team_manager: { time: "team", activity: "team", apps: "team", screenshots: "team" },
      project_manager: { time: "project", activity: "project", apps: "project", screenshots: "project" },
      employee: { time: "own", activity: "own", apps: "own", screenshots: "own" },
      project_viewer: { time: "project", activity: null, apps: null, screenshots: null },
    };
    for (const role of ROLES) {
      for (const [resource, scope] of Object.entries(expected[role])) {
        expect(scopeFor(role, resource as Resource, "read", open), `${role} ${resource}`).toBe(scope);
      }
    }
  });

  it("privacy toggles withhold screenshots and apps from every manager, never from owners", () => {
    for (const role of ROLES) {
      const shots = scopeFor(role, "screenshots", "read", closed);
      const apps = scopeFor(role, "apps", "read", closed);
      if (role === "owner") {
        expect([shots, apps]).toEqual(["all", "all"]);
      } else if (role === "project_viewer") {
        expect([shots, apps]).toEqual([null, null]);
      } else {
        expect([shots, apps], role).toEqual(["own", "own"]);
      }
      // Time and activity are not affected by the toggles.
      expect(scopeFor(role, "time", "read", closed)).toBe(scopeFor(role, "time", "read", open));
    }
    expect(scopeFor("team_manager", "screenshots", "read", { managersSeeScreenshots: false, managersSeeApps: true })).toBe("own");
    expect(scopeFor("team_manager", "apps", "read", { managersSeeScreenshots: false, managersSeeApps: true })).toBe("team");
  });

  it("screenshot deletion follows the read scope of each manager; employees their own; viewers change nothing", () => {
    expect(scopeFor("employee", "screenshots", "delete", open)).toBe("own");
    expect(scopeFor("team_manager", "screenshots", "delete", open)).toBe("team");
    expect(scopeFor("project_manager", "screenshots", "delete", open)).toBe("project");
    expect(scopeFor("owner", "screenshots", "delete", open)).toBe("all");
    const viewerWrites = PERMISSIONS.project_viewer.filter((p) => !p.includes(":read:"));
    expect(viewerWrites.sort()).toEqual(["profile:update:own"]);
  });
});
