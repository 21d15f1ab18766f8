/**
 * The fields of a classification rule, shared by the "Add a rule" form of the rules page and the
 * edit page, so both post the same names (read by ruleInputFromForm) and show errors the same way.
 * The caller supplies the <Form>, its hidden intent and its buttons.
 */
import type { Rule } from "../../../../worker/services/tracking/rules";
import { Field, SelectField, fieldError, type SelectOption } from "../ui";
import type { ErrorsLike } from "../../lib/forms";
import { CATEGORY_LABELS, MATCH_LABELS } from "./ruleLabels";
import { options } from "./trackingLabels";

export interface RuleFieldChoices {
  teamOptions: SelectOption[];
  projectOptions: SelectOption[];
  maxPattern: number;
}

/** What the fields start with; `priority: null` leaves the box empty (the service's default, 0). */
export type RuleFieldValues = Pick<Rule, "match" | "pattern" | "category" | "teamId" | "projectId"> & { priority: number | null };

export const NEW_RULE: RuleFieldValues = { match: "app", pattern: "", category: "productive", teamId: null, projectId: null, priority: null };

export interface RuleFieldsProps {
  choices: RuleFieldChoices;
  values?: RuleFieldValues;
  error?: ErrorsLike | null;
}

export function RuleFields({ choices, values = NEW_RULE, error }: RuleFieldsProps) {
  const e = (field: string) => fieldError(error, field);
  return (
    <>
      <div className="form-row form-row-top">
        <SelectField label="Match" name="match" options={options(MATCH_LABELS)} defaultValue={values.match} error={e("match")} />
        <Field label="Pattern" name="pattern" required maxLength={choices.maxPattern} autoComplete="off" defaultValue={values.pattern} error={e("pattern")}
          hint="Compared without regard to case, e.g. Slack, github.com or invoice." />
        <SelectField label="Category" name="category" options={options(CATEGORY_LABELS)} defaultValue={values.category} error={e("category")} />
      </div>
      <div className="form-row form-row-top">
        <SelectField label="Applies to" name="teamId" placeholder="Whole workspace" options={choices.teamOptions} defaultValue={values.teamId ?? ""} error={e("teamId")}
          hint="A team override applies to that team's members and is checked before workspace rules." />
        <SelectField label="Assign time to project" name="projectId" placeholder="No project" options={choices.projectOptions} defaultValue={values.projectId ?? ""} error={e("projectId")} optional />
        <Field label="Priority" name="priority" type="number" inputMode="numeric" step={1} optional defaultValue={values.priority ?? ""} error={e("priority")}
          hint="Higher is checked first; 0 when empty." />
      </div>
    </>
  );
}
