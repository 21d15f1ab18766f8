/**
 * A member's profile in this workspace: display name, time zone (days in reports follow it) and the
 * weekly work schedule that attendance will compare against. Editable by the member and by
 * owners/executives; visible to whoever may see the member.
 */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can, scopeOf } from "../../../worker/authz/policy";
import { NameSchema, TimeZoneSchema } from "../../../worker/contract/common";
import { getMember, removeMember, setMemberActive, updateMember } from "../../../worker/services/members";
import { Alert, Button, Card, Field, FormError, PageHeader, RoleBadge, SelectField, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { requireActor, toResponse } from "../lib/guards.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.member.displayName ?? "Member"} · Worktrail` }];

const DAYS = [["mon", "Monday"], ["tue", "Tuesday"], ["wed", "Wednesday"], ["thu", "Thursday"], ["fri", "Friday"], ["sat", "Saturday"], ["sun", "Sunday"]] as const;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  try {
    const member = await getMember(context.ctx, actor, params.memberId ?? "");
    const self = member.id === actor.member.id;
    // Same rule as updateMember: yourself, or owners/executives (only owners edit owners).
    const canEdit = self || (scopeOf(actor, "profile", "update") === "all" && (member.role !== "owner" || can(actor, "owners", "manage")));
    const canManage = !self && can(actor, "members", "update") && (member.role !== "owner" || can(actor, "owners", "manage"));
    return { member, canEdit, canManage, self, workspaceId: actor.workspace.id };
  } catch (e) {
    throw toResponse(e);
  }
}

const HHMM = z.union([z.literal(""), z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM.")]);
const ProfileForm = z.object({
  displayName: NameSchema,
  timeZone: TimeZoneSchema,
  ...Object.fromEntries(DAYS.flatMap(([d]) => [[`${d}_start`, HHMM.optional()], [`${d}_end`, HHMM.optional()]])),
});

const AccessForm = z.object({ intent: z.enum(["deactivate", "reactivate", "remove"]) });

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = await requireActor(context, request, params.workspaceId);
  const memberId = params.memberId ?? "";
  return handleAction(async () => {
    if ((await request.clone().formData()).has("intent")) {
      const { intent } = await readForm(request, AccessForm);
      if (intent === "remove") {
        await removeMember(context.ctx, actor, memberId);
        throw redirect(`/w/${actor.workspace.id}/members`);
      }
      await setMemberActive(context.ctx, actor, memberId, intent === "reactivate");
      return { ok: intent === "reactivate" ? "Member reactivated." : "Member deactivated. Their access to this workspace ended now." };
    }
    const form: Record<string, unknown> = await readForm(request, ProfileForm);
    const schedule: Record<string, [string, string][]> = {};
    for (const [d] of DAYS) {
      const start = form[`${d}_start`];
      const end = form[`${d}_end`];
      if (typeof start === "string" && typeof end === "string" && start && end) schedule[d] = [[start, end]];
    }
    await updateMember(context.ctx, actor, memberId, {
      displayName: String(form.displayName), timeZone: String(form.timeZone), weeklySchedule: Object.keys(schedule).length ? schedule : null,
    });
    return { ok: "Profile saved." };
  });
}

const zones = (() => {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return ["UTC"]; }
})();

export default function MemberProfile() {
  const { member, canEdit, canManage, self, workspaceId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const schedule = (member.weeklySchedule ?? {}) as Record<string, [string, string][] | undefined>;
  return (
    <Stack gap={4}>
      <PageHeader title={member.displayName} description={member.email}
        breadcrumbs={[{ label: "Members", to: `/w/${workspaceId}/members` }, { label: member.displayName }]}
        actions={<RoleBadge role={member.role} />} />
      {result && "ok" in result && <Alert tone="success">{result.ok}</Alert>}
      <FormError error={error} />
      <Card title={self ? "Your profile in this workspace" : "Profile"}>
        <Form method="post">
          <fieldset disabled={!canEdit} className="fieldset-plain">
            <Stack>
              <Field label="Display name" name="displayName" defaultValue={member.displayName} maxLength={120} required error={fieldError(error, "displayName")} />
              <SelectField label="Time zone" name="timeZone" defaultValue={member.timeZone} options={zones.map((z) => ({ value: z, label: z }))}
                hint="Days in reports and attendance follow this time zone." error={fieldError(error, "timeZone")} />
              <fieldset className="fieldset-plain">
                <legend className="field-label">Weekly schedule</legend>
                <p className="muted small">Working hours per day, used by attendance (late / absent). Leave a day empty for a day off.</p>
                <div className="schedule-grid">
                  {DAYS.map(([d, label]) => (
                    <div key={d} className="form-row">
                      <Field label={`${label} start`} name={`${d}_start`} type="time" defaultValue={schedule[d]?.[0]?.[0] ?? ""} error={fieldError(error, `${d}_start`)} />
                      <Field label={`${label} end`} name={`${d}_end`} type="time" defaultValue={schedule[d]?.[0]?.[1] ?? ""} error={fieldError(error, `${d}_end`)} />
                    </div>
                  ))}
                </div>
              </fieldset>
              {canEdit && <div><Button type="submit" variant="primary">Save profile</Button></div>}
            </Stack>
          </fieldset>
        </Form>
      </Card>
      {canManage && (
        <Card title="Access" description="Deactivating ends this member's access to the workspace and signs out their devices at once; you can reactivate them later. Removing deletes the membership and their team and project assignments.">
          <Form method="post" className="inline-form">
            {member.status === "active"
              ? <Button variant="secondary" name="intent" value="deactivate" type="submit">Deactivate</Button>
              : <Button variant="secondary" name="intent" value="reactivate" type="submit">Reactivate</Button>}
            <Button variant="danger" name="intent" value="remove" type="submit">Remove from workspace</Button>
          </Form>
        </Card>
      )}
    </Stack>
  );
}
