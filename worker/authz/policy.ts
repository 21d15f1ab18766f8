import { forbidden, notFound } from "../http/problem";
import type { Actor } from "./actor";
import { scopeFor, type Action, type Resource, type Scope } from "./permissions";

/** The scope the actor holds for resource/action, or null. */
export function scopeOf(actor: Actor, resource: Resource, action: Action): Scope | null {
  return scopeFor(actor.member.role, resource, action, actor.workspace);
}

export function can(actor: Actor, resource: Resource, action: Action): boolean {
  return scopeOf(actor, resource, action) !== null;
}

/**
 * For actions on a collection (create, list): no permission at all is a 403.
 * Reads use `readScope`, which answers 404 instead so nothing leaks about what exists.
 */
export function requireScope(actor: Actor, resource: Resource, action: Action): Scope {
  const scope = scopeOf(actor, resource, action);
  if (!scope) throw forbidden();
  return scope;
}

export function readScope(actor: Actor, resource: Resource, what: string = resource): Scope {
  const scope = scopeOf(actor, resource, "read");
  if (!scope) throw notFound(what);
  return scope;
}
