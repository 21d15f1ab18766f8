/**
 * Team / project / status filters. A GET form, so the choice is in the URL (bookmarkable) and the
 * form submits without JavaScript; with JavaScript a change applies at once in the browser (the
 * board filters what it already holds, no server round trip) and the URL is updated in place.
 */
import { Form } from "@remix-run/react";
import type { LiveStatus } from "../../../../worker/contract/live";
import { Button, SelectField, type SelectOption } from "../ui";
import type { BoardFilters } from "../../lib/live/filters";
import { STATUS_OPTIONS } from "../../lib/live/labels";

export interface LiveFiltersProps {
  filters: BoardFilters;
  teams: readonly SelectOption[];
  projects: readonly SelectOption[];
  onChange: (next: BoardFilters) => void;
}

const statusOf = (v: string): LiveStatus | null => STATUS_OPTIONS.find((o) => o.value === v)?.value ?? null;

export function LiveFilters({ filters, teams, projects, onChange }: LiveFiltersProps) {
  const active = filters.team !== null || filters.project !== null || filters.status !== null;
  return (
    <Form method="get" className="live-filters" aria-label="Filter the board"
      onSubmit={(e) => e.preventDefault() /* applied on change; the button is for no-JS browsers */}>
      {teams.length > 0 ? (
        <SelectField id="live-team" label="Team" name="team" options={teams} placeholder="All teams"
          value={filters.team ?? ""} onChange={(e) => onChange({ ...filters, team: e.target.value || null })} />
      ) : null}
      <SelectField id="live-project" label="Project" name="project" options={projects} placeholder="All projects"
        value={filters.project ?? ""} onChange={(e) => onChange({ ...filters, project: e.target.value || null })} />
      <SelectField id="live-status" label="Status" name="status" options={STATUS_OPTIONS} placeholder="Any status"
        value={filters.status ?? ""} onChange={(e) => onChange({ ...filters, status: statusOf(e.target.value) })} />
      <noscript><Button type="submit">Apply</Button></noscript>
      {active ? (
        <Button type="button" variant="ghost" onClick={() => onChange({ team: null, project: null, status: null })}>Clear filters</Button>
      ) : null}
    </Form>
  );
}
