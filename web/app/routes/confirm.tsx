/**
 * The link from the confirmation mail (/confirm?token=…): confirms the address and points to
 * sign-in. Without a valid token it offers to send a new link (same answer for any address).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AppError } from "../../../worker/http/problem";
import { confirmEmail, resendConfirmation } from "../../../worker/services/auth/confirmEmail";
import { emailField } from "../../../worker/services/auth/fields";
import { Alert, AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Confirm your email · Worktrail" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (!token) return { status: "none" as const, email: null };
  try {
    const { email } = await confirmEmail(context.ctx, token);
    return { status: "confirmed" as const, email };
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid_token") return { status: "invalid" as const, email: null };
    throw e;
  }
}

const ResendForm = z.object({ email: emailField });

export async function action({ context, request }: ActionFunctionArgs) {
  return handleAction(async () => {
    const { email } = await readForm(request, ResendForm);
    await resendConfirmation(context.ctx, email);
    return { resent: email };
  });
}

export default function Confirm() {
  const { status, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const resent = result && "resent" in result ? result.resent : undefined;
  const busy = useNavigation().state === "submitting";

  if (status === "confirmed") {
    return (
      <AuthLayout title="Email confirmed">
        <Alert tone="success">Thanks, <strong>{email}</strong> is confirmed. You can sign in now.</Alert>
        <Button to="/login" variant="primary" block>Sign in</Button>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title={status === "invalid" ? "This link doesn't work" : "Confirm your email"}
      description="Enter your address and we'll send a new confirmation link if it still needs one."
      footer={<Link className="link" to="/login">Back to sign in</Link>}
    >
      <Form method="post">
        <Stack>
          {status === "invalid" && !resent ? <Alert tone="warning">The confirmation link is invalid, expired or already used.</Alert> : null}
          {resent ? <Alert tone="success">If <strong>{resent}</strong> has an account waiting for confirmation, a new link is on its way.</Alert> : null}
          <FormError error={error} />
          <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={254} error={fieldError(error, "email")} />
          <Button type="submit" variant="primary" block disabled={busy}>Send a new link</Button>
        </Stack>
      </Form>
    </AuthLayout>
  );
}
