/**
 * The demo workspace `npm start` seeds: one person per role plus a second employee, and a
 * structure that gives every role a visibly different scope (see PRODUCT.md, "Roles"):
 * - the team manager manages Engineering (Emma) but not Support (Eli);
 * - the project manager manages Website relaunch only (Emma works on it, Vera views it);
 * - Mobile app and Internal tools are outside the project manager's and the viewer's reach.
 */
import type { ProjectRole, Role } from "../db/schema";

export const DEMO_WORKSPACE_NAME = "Demo Co";
export const DEMO_TIME_ZONE = "Europe/Berlin";
/** Shared by every demo login; long enough and not on the common-password list (checked at seed time). */
export const DEMO_PASSWORD = "worktrail-demo-2026";

export type PersonKey = "owner" | "executive" | "teamManager" | "projectManager" | "employee" | "employee2" | "viewer";

export interface DemoPerson {
  key: PersonKey;
  email: string;
  name: string;
  role: Role;
  timeZone: string;
}

/** The owner comes first: its existence is what marks the demo as already seeded. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: "owner", email: "owner@demo.worktrail.test", name: "Olivia Owner", role: "owner", timeZone: "Europe/Berlin" },
  { key: "executive", email: "executive@demo.worktrail.test", name: "Evan Executive", role: "executive", timeZone: "Europe/Berlin" },
  { key: "teamManager", email: "team.manager@demo.worktrail.test", name: "Tara Teamlead", role: "team_manager", timeZone: "Europe/Lisbon" },
  { key: "projectManager", email: "project.manager@demo.worktrail.test", name: "Paul Projectlead", role: "project_manager", timeZone: "America/New_York" },
  { key: "employee", email: "employee@demo.worktrail.test", name: "Emma Employee", role: "employee", timeZone: "Europe/Berlin" },
  { key: "employee2", email: "employee2@demo.worktrail.test", name: "Eli Employee", role: "employee", timeZone: "Asia/Kolkata" },
  { key: "viewer", email: "viewer@demo.worktrail.test", name: "Vera Viewer", role: "project_viewer", timeZone: "Europe/London" },
];

export const DEMO_OWNER_EMAIL = DEMO_PEOPLE[0]!.email;

export interface DemoTeam {
  name: string;
  managers: PersonKey[];
  members: PersonKey[];
}

export const DEMO_TEAMS: readonly DemoTeam[] = [
  { name: "Engineering", managers: ["teamManager"], members: ["employee"] },
  { name: "Support", managers: [], members: ["employee2"] },
];

export const DEMO_CLIENTS = ["Northwind Traders", "Globex"] as const;
export type DemoClient = (typeof DEMO_CLIENTS)[number];

export interface DemoProject {
  name: string;
  client: DemoClient | null;
  color: string;
  billable: boolean;
  people: [PersonKey, ProjectRole][];
  tasks: string[];
}

export const DEMO_PROJECTS: readonly DemoProject[] = [
  {
    name: "Website relaunch", client: "Northwind Traders", color: "#4f46e5", billable: true,
    people: [["projectManager", "manager"], ["employee", "member"], ["viewer", "viewer"]],
    tasks: ["Design review", "Landing page", "Content migration"],
  },
  {
    name: "Mobile app", client: "Globex", color: "#0891b2", billable: true,
    people: [["employee2", "member"]],
    tasks: ["Login screen", "Push notifications"],
  },
  {
    name: "Internal tools", client: null, color: "#65a30d", billable: false,
    people: [["employee", "member"], ["employee2", "member"]],
    tasks: ["Time report export"],
  },
];
