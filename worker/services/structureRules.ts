/**
 * Rules shared by teams, clients, projects and tasks (the workspace structure): unique names, 404s
 * that name the offending input field, and the archive flag.
 *
 * Names are unique ignoring case (ASCII letters, as SQLite's lower() folds them) within their
 * container (the workspace; the project for tasks), archived rows included so unarchiving can never
 * produce a twin. A unique index on (container, lower(name)) enforces this (db/schema.ts), so writes
 * simply insert or update and turn the index's refusal into `name_taken` (withUniqueName): no
 * check-then-write, and of two concurrent creators only one can win.
 */
import { and, eq } from "drizzle-orm";
import type { Actor } from "../authz/actor";
import { membersWhere } from "../authz/scope";
import { members, type Role } from "../db/schema";
import { isUniqueViolation } from "../db/errors";
import { UUID_RE } from "../db/ids";
import { AppError, conflict } from "../http/problem";
import type { ServiceContext } from "./context";

export const nameTaken = (what: string) =>
  conflict("name_taken", `A ${what} with this name already exists (it may be archived).`, [
    { field: "name", code: "name_taken", message: `Another ${what} already uses this name.` },
  ]);

/**
 * Runs a write that sets a structure name; the unique name index refusing it becomes
 * `nameTaken(what)`. The rows' ids are fresh UUIDv7s and the name index is their only other unique
 * constraint, so any unique violation here is a name clash.
 */
export async function withUniqueName<T>(what: string, write: PromiseLike<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(what);
    throw e;
  }
}

/** A 404 for an id given in the input (not the path): same code, plus the field it came from. */
export const notFoundField = (field: string, what: string) =>
  new AppError(404, "not_found", `No such ${what}.`, [{ field, code: "not_found", message: `No such ${what} in this workspace.` }]);

/** The archived_at value after an `archived` flag: keeps the original time when already archived. */
export function archivedAtAfter(current: number | null, archived: boolean, now: number): number | null {
  if (!archived) return null;
  return current ?? now;
}

/** Audit action for a flag change, or null when the flag did not change. */
export function archiveAction(entity: string, before: number | null, after: number | null): string | null {
  if ((before === null) === (after === null)) return null;
  return after === null ? `${entity}.unarchived` : `${entity}.archived`;
}

export interface MemberRef {
  id: string;
  role: Role;
  status: "active" | "deactivated";
  displayName: string;
}

/**
 * A member id from the input, resolved within the caller's member scope (so other workspaces' ids
 * and members the caller may not see are 404), and required to be active: a deactivated member
 * cannot be staffed on anything.
 */
export async function resolveActiveMember(ctx: ServiceContext, actor: Actor, memberId: string, field = "memberId"): Promise<MemberRef> {
  if (!UUID_RE.test(memberId)) throw notFoundField(field, "member");
  const [m] = await ctx.db.select({ id: members.id, role: members.role, status: members.status, displayName: members.displayName })
    .from(members).where(and(membersWhere(actor), eq(members.id, memberId)));
  if (!m) throw notFoundField(field, "member");
  if (m.status !== "active") throw conflict("member_deactivated", "This member is deactivated; reactivate them first.", [{ field, code: "member_deactivated", message: "Deactivated member." }]);
  return m;
}

/** Workspace roles that may manage a team, and a project (issue #2): never employees or viewers. */
export const TEAM_MANAGER_ROLES: readonly Role[] = ["owner", "executive", "team_manager"];
export const PROJECT_MANAGER_ROLES: readonly Role[] = ["owner", "executive", "project_manager"];
