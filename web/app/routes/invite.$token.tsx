/** The page an invitation link opens: shows what it is for, then accept (signed in with the invited email). */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppError } from "../../../worker/http/problem";
import { acceptInvitation, previewInvitation } from "../../../worker/services/invitations";
import { Alert, AuthLayout, Button, FormError, Stack, roleLabel } from "../components/ui";
import { handleAction } from "../lib/forms.server";
import { requireUser } from "../lib/guards.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Invitation · Worktrail" }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const path = new URL(request.url).pathname;
  try {
    const invite = await previewInvitation(context.ctx, params.token ?? "");
    const me = context.principal;
    return { path, invite, signedInAs: me?.email ?? null, matches: me ? me.email.toLowerCase() === invite.email : false };
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return { path, invite: null, signedInAs: context.principal?.email ?? null, matches: false };
    throw e;
  }
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const p = requireUser(context, request);
  return handleAction(async () => {
    const res = await acceptInvitation(context.ctx, p, params.token ?? "");
    throw redirect(`/w/${res.workspaceId}`);
  });
}

export default function Invite() {
  const { path, invite, signedInAs, matches } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  if (!invite) {
    return (
      <AuthLayout title="Invitation not found">
        <p className="muted">This link is not valid. It may have been replaced by a newer invitation. Ask the person who invited you to send it again.</p>
      </AuthLayout>
    );
  }
  const next = encodeURIComponent(path);
  return (
    <AuthLayout title={`Join ${invite.workspaceName}`} description={`You are invited as ${roleLabel(invite.role)}.`}>
      <Stack>
        <FormError error={error} />
        {invite.status !== "pending" && <Alert tone="warning">This invitation is {invite.status}. Ask for a new one.</Alert>}
        {invite.status === "pending" && !signedInAs && (
          <>
            <p>The invitation was sent to <strong>{invite.email}</strong>. Sign in with that address, or create an account for it.</p>
            <Button to={`/login?next=${next}`} block>Sign in to accept</Button>
            <Button to={`/signup?email=${encodeURIComponent(invite.email)}&next=${next}`} variant="secondary" block>Create an account</Button>
          </>
        )}
        {invite.status === "pending" && signedInAs && !matches && (
          <Alert tone="warning" title="Different account">
            You are signed in as {signedInAs}, but this invitation is for {invite.email}. Sign out and sign in with that address.
          </Alert>
        )}
        {invite.status === "pending" && matches && (
          <Form method="post"><Button type="submit" block>Accept invitation</Button></Form>
        )}
      </Stack>
    </AuthLayout>
  );
}
