/**
 * Sign in, step one: email and password. A correct password either signs the browser in (session
 * cookies on the redirect) or, for accounts with two-factor, hands over to /login/2fa with the
 * challenge in a short-lived cookie. Works without JavaScript.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { emailField, passwordField } from "../../../worker/services/auth/fields";
import { loginWithPassword } from "../../../worker/services/auth/login";
import { Alert, AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { safeNext, signedInRedirect, twoFactorRedirect } from "../lib/auth.server";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Sign in · Worktrail" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const next = safeNext(url.searchParams.get("next"));
  if (context.principal) throw redirect(next);
  return { next, expired: url.searchParams.get("expired") === "1", reset: url.searchParams.get("reset") === "1" };
}

const LoginForm = z.object({ email: emailField, password: passwordField.min(1, "Enter your password."), next: z.string().max(2000).optional() });

export async function action({ context, request }: ActionFunctionArgs) {
  return handleAction(async () => {
    const input = await readForm(request, LoginForm);
    const r = await loginWithPassword(context.ctx, { email: input.email, password: input.password }, "browser");
    if (r.kind === "two_factor") throw twoFactorRedirect(r.challenge, input.next);
    throw signedInRedirect(r.tokens, context.ctx.now(), input.next);
  });
}

export default function Login() {
  const { next, expired, reset } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const busy = useNavigation().state === "submitting";
  const withNext = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <AuthLayout
      title="Sign in to Worktrail"
      footer={<>
        <span>No account? <Link className="link" to={`/signup${withNext}`}>Create one</Link></span>
        <span><Link className="link" to="/forgot-password">Forgot your password?</Link></span>
      </>}
    >
      <Form method="post">
        <Stack>
          {expired && !error ? <Alert tone="warning">That sign-in attempt expired. Please sign in again.</Alert> : null}
          {reset && !error ? <Alert tone="success">Your password was changed. Sign in with the new one.</Alert> : null}
          <FormError error={error} />
          {error?.code === "email_not_confirmed" ? (
            <p className="small"><Link className="link" to="/confirm">Send me a new confirmation link</Link></p>
          ) : null}
          <input type="hidden" name="next" value={next} />
          <Field label="Email" name="email" type="email" autoComplete="username" required maxLength={254} error={fieldError(error, "email")} />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required maxLength={1024} error={fieldError(error, "password")} />
          <Button type="submit" variant="primary" block disabled={busy}>Sign in</Button>
        </Stack>
      </Form>
    </AuthLayout>
  );
}
