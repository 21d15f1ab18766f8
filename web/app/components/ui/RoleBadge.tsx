import type { Role } from "../../../../worker/db/schema";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "../../lib/roles";
import { Badge, type BadgeTone } from "./Badge";

// Wider access reads warmer, so a list of members scans by power at a glance.
const TONES: Record<Role, BadgeTone> = {
  owner: "accent",
  executive: "info",
  team_manager: "success",
  project_manager: "success",
  employee: "neutral",
  project_viewer: "warning",
};

/** The member's role with its human label ("Team manager"); the description is the tooltip. */
export function RoleBadge({ role }: { /** One of the six workspace roles. */ role: Role }) {
  return (
    <span title={ROLE_DESCRIPTIONS[role]} className="role-badge">
      <Badge tone={TONES[role]}>{ROLE_LABELS[role]}</Badge>
    </span>
  );
}
