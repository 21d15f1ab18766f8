/**
 * Who opens which settings page. The general page (name, time zone, privacy toggles) is for those who
 * may change something there; the tracking and rules pages are for everyone who may read them (every
 * role: employees see what is recorded about them, read-only). The services check again.
 */
import type { Actor } from "../../../worker/authz/actor";
import { can } from "../../../worker/authz/policy";

export const canOpenGeneralSettings = (actor: Actor) => can(actor, "settings", "update") || can(actor, "privacy_toggles", "update");

/** Where the sidebar's Settings entry leads: the general page when the actor may open it, else the tracking page. */
export function settingsHome(actor: Actor): string | null {
  const base = `/w/${actor.workspace.id}/settings`;
  if (canOpenGeneralSettings(actor)) return base;
  return can(actor, "tracking_settings", "read") ? `${base}/tracking` : null;
}
