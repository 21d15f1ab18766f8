/**
 * The link from the reset mail (/reset-password?token=…): choose a new password. Success signs out
 * every session (including any an intruder had) and sends the person to sign in.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../../worker/crypto/password";
import { peekEmailToken } from "../../../worker/services/auth/emailTokens";
import { passwordField } from "../../../worker/services/auth/fields";
import { resetPassword } from "../../../worker/services/auth/passwordReset";
import { Alert, AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { signedOutRedirect } from "../lib/auth.server";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Worktrail" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const token = (new URL(request.url).searchParams.get("token") ?? "").slice(0, 200);
  // Only looks: the token is used up when the form is submitted.
  const valid = token ? (await peekEmailToken(context.ctx, token, "reset_password")) !== null : false;
  return { token: valid ? token : null };
}

const ResetForm = z.object({ token: z.string().min(1).max(200), password: passwordField });

export async function action({ context, request }: ActionFunctionArgs) {
  return handleAction(async () => {
    const input = await readForm(request, ResetForm);
    await resetPassword(context.ctx, input);
    // Every session is gone, this browser's included: clear its cookies too.
    throw signedOutRedirect("/login?reset=1");
  });
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const busy = useNavigation().state === "submitting";
  if (!token) {
    return (
      <AuthLayout title="This link doesn't work" footer={<Link className="link" to="/login">Back to sign in</Link>}>
        <Alert tone="warning">The reset link is invalid, expired or already used.</Alert>
        <Button to="/forgot-password" variant="primary" block>Ask for a new link</Button>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Choose a new password" description="You'll be signed out everywhere and can then sign in with the new password.">
      <Form method="post">
        <Stack>
          <FormError error={error} />
          <input type="hidden" name="token" value={token} />
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={256}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a commonly used password.`}
            error={fieldError(error, "password")}
          />
          <Button type="submit" variant="primary" block disabled={busy}>Set new password</Button>
        </Stack>
      </Form>
    </AuthLayout>
  );
}
