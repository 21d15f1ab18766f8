/** Ask for a password-reset link. The answer never reveals whether the address has an account. */
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { emailField } from "../../../worker/services/auth/fields";
import { forgotPassword } from "../../../worker/services/auth/passwordReset";
import { Alert, AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Reset your password · Worktrail" }];

const ForgotForm = z.object({ email: emailField });

export async function action({ context, request }: ActionFunctionArgs) {
  return handleAction(async () => {
    const { email } = await readForm(request, ForgotForm);
    await forgotPassword(context.ctx, email);
    return { sent: email };
  });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const sent = result && "sent" in result ? result.sent : undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <AuthLayout
      title="Reset your password"
      description="We'll email you a link to choose a new password."
      footer={<Link className="link" to="/login">Back to sign in</Link>}
    >
      {sent ? (
        <Alert tone="success" title="Check your inbox">
          If <strong>{sent}</strong> has an account, a reset link is on its way. It works once and expires in one hour.
        </Alert>
      ) : (
        <Form method="post">
          <Stack>
            <FormError error={error} />
            <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={254} error={fieldError(error, "email")} />
            <Button type="submit" variant="primary" block disabled={busy}>Send reset link</Button>
          </Stack>
        </Form>
      )}
    </AuthLayout>
  );
}
