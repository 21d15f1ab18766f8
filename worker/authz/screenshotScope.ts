/**
 * Screenshot access, resolved from D1 into the explicit sets the Workspace object applies in SQL
 * (DESIGN.md: the object never decides access). Same scopes as every tracking read
 * (permissions.ts): all; team = self and members of managed teams; project = self and any screenshot
 * whose capture time is covered by a time entry on a project the actor manages; own = self. The
 * owner's toggle `managersSeeScreenshots = false` turns every non-owner scope into `own`
 * (scopeFor), and project viewers have no screenshot scope at all.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { members, projects } from "../db/schema";
import type { ShotScope } from "../workspace/screenshots";
import type { Actor } from "./actor";
import type { Scope } from "./permissions";
import { managedProjectIds, managedTeamMemberIds } from "./scope";

export async function screenshotScope(db: Db, a: Actor, scope: Scope): Promise<ShotScope> {
  const me = a.member.id;
  switch (scope) {
    case "all":
      return { all: true };
    case "team": {
      const rows = await db.select({ id: members.id }).from(members)
        .where(and(eq(members.workspaceId, a.workspace.id), sql`${members.id} in ${managedTeamMemberIds(a)}`));
      return { all: false, memberIds: [me, ...rows.map((r) => r.id)], projectIds: [] };
    }
    case "project": {
      const rows = await db.select({ id: projects.id }).from(projects)
        .where(and(eq(projects.workspaceId, a.workspace.id), sql`${projects.id} in ${managedProjectIds(a)}`));
      return { all: false, memberIds: [me], projectIds: rows.map((r) => r.id) };
    }
    default:
      // own, and `assigned` (which no role holds for screenshots): the actor's own only.
      return { all: false, memberIds: [me], projectIds: [] };
  }
}
