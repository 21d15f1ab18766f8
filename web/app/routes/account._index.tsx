/** My profile: name and time zone (days in my reports follow it). Email is shown, not editable here. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { nameField, timeZoneField } from "../../../worker/services/auth/fields";
import { deleteAccount } from "../../../worker/services/auth/deleteAccount";
import { getProfile, updateProfile } from "../../../worker/services/auth/profile";
import { signedOutRedirect } from "../lib/auth.server";
import { Alert, Badge, Button, Card, Field, FormError, Inline, PageHeader, SelectField, SiteHeader, Stack, fieldError } from "../components/ui";
import { AccountNav } from "../components/account/AccountNav";
import { handleAction, readForm } from "../lib/forms.server";
import { requireUser, toResponse } from "../lib/guards.server";
import { actionError, actionOk } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Account · Worktrail" }];

/** Every zone this runtime knows, computed on the server so the page renders the same list everywhere. */
function timeZoneOptions(current: string) {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zones = new Set(["UTC", current, ...all]);
  return [...zones].sort().map((z) => ({ value: z, label: z.replace(/_/g, " ") }));
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const p = requireUser(context, request);
  const profile = await getProfile(context.ctx, p).catch((e: unknown) => { throw toResponse(e); });
  return {
    user: { name: profile.name },
    profile: { email: profile.email, name: profile.name, timeZone: profile.timeZone, emailVerified: profile.emailVerified, twoFactorEnabled: profile.twoFactorEnabled },
    timeZones: timeZoneOptions(profile.timeZone),
  };
}

const AccountForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("profile"), name: nameField, timeZone: timeZoneField }),
  z.object({ intent: z.literal("delete"), password: z.string().min(1, "Enter your password.").max(1024), code: z.string().trim().max(32).optional() }),
]);

export async function action({ context, request }: ActionFunctionArgs) {
  const p = requireUser(context, request);
  return handleAction(async () => {
    const input = await readForm(request, AccountForm);
    if (input.intent === "delete") {
      await deleteAccount(context.ctx, p, { password: input.password, code: input.code || undefined });
      throw signedOutRedirect("/?deleted=1");
    }
    await updateProfile(context.ctx, p, { name: input.name, timeZone: input.timeZone });
    return { ok: "Profile saved." };
  });
}

export default function AccountProfile() {
  const { user, profile, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const ok = actionOk(result);
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="site-content">
        <PageHeader title="Your account" description="These settings are yours alone and apply in every workspace." actions={<AccountNav current="profile" />} />
        <Card title="Profile">
          <Form method="post">
            <input type="hidden" name="intent" value="profile" />
            <Stack>
              {ok ? <Alert tone="success">{ok}</Alert> : null}
              {error?.code !== "sole_owner" && !fieldError(error, "password") ? <FormError error={error} /> : null}
              <div>
                <p className="field-label">Email</p>
                <p>
                  <span className="mono">{profile.email}</span>{" "}
                  {profile.emailVerified ? <Badge tone="success">Confirmed</Badge> : <Badge tone="warning">Not confirmed</Badge>}
                </p>
              </div>
              <Field label="Name" name="name" required maxLength={100} autoComplete="name" defaultValue={profile.name} error={fieldError(error, "name")} />
              <SelectField
                label="Time zone"
                name="timeZone"
                options={timeZones}
                defaultValue={profile.timeZone}
                hint="Your days in reports and timesheets follow this time zone."
                error={fieldError(error, "timeZone")}
              />
              <Inline end>
                <Button type="submit" variant="primary" disabled={busy}>Save profile</Button>
              </Inline>
            </Stack>
          </Form>
        </Card>
        <Card title="Delete account" description="Deletes your account, your sessions and your memberships. Workspaces where you are the only member are deleted with everything in them. If you are the only owner of a workspace others use, make someone else an owner first.">
          <Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <Stack>
              {error?.code === "sole_owner" ? <FormError error={error} /> : null}
              <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fieldError(error, "password")} />
              {profile.twoFactorEnabled ? (
                <Field label="Two-factor code or recovery code" name="code" autoComplete="one-time-code" required error={fieldError(error, "code")} />
              ) : null}
              <Inline end>
                <Button type="submit" variant="danger" disabled={busy}>Delete my account</Button>
              </Inline>
            </Stack>
          </Form>
        </Card>
      </main>
    </>
  );
}
