/**
 * Create an account. The answer is the same whether or not the address already has an account
 * (the mailbox owner learns the truth from the mail), then the person confirms by following the link.
 * The browser's time zone is filled in after hydration; without JavaScript the account starts on UTC.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../../worker/crypto/password";
import { emailField, nameField, passwordField, timeZoneField } from "../../../worker/services/auth/fields";
import { signUp } from "../../../worker/services/auth/signup";
import { Alert, AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { safeNext } from "../lib/auth.server";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Create your account · Worktrail" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const next = safeNext(url.searchParams.get("next"));
  if (context.principal) throw redirect(next);
  return { next, email: (url.searchParams.get("email") ?? "").slice(0, 254) };
}

const SignUpForm = z.object({
  email: emailField,
  name: nameField,
  password: passwordField,
  timeZone: z.union([z.literal(""), timeZoneField]).optional().transform((v) => v || undefined),
  next: z.string().max(2000).optional(),
});

export async function action({ context, request }: ActionFunctionArgs) {
  return handleAction(async () => {
    const input = await readForm(request, SignUpForm);
    const r = await signUp(context.ctx, { email: input.email, name: input.name, password: input.password, timeZone: input.timeZone });
    return { sent: r.email, next: safeNext(input.next) };
  });
}

export default function SignUp() {
  const { next, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const sent = result && "sent" in result ? result : undefined;
  const busy = useNavigation().state === "submitting";
  const [timeZone, setTimeZone] = useState("");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  const loginHref = next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;

  if (sent) {
    return (
      <AuthLayout title="Check your inbox" footer={<Link className="link" to={loginHref}>Go to sign in</Link>}>
        <Alert tone="success" title="Almost done">
          We sent a message to <strong>{sent.sent}</strong>. Follow the link in it to confirm your address, then sign in.
        </Alert>
        <p className="muted small">Nothing arrived after a few minutes? Check your spam folder, or <Link className="link" to="/confirm">ask for a new link</Link>.</p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Create your account"
      description="Track time for yourself or your team."
      footer={<span>Already have an account? <Link className="link" to={loginHref}>Sign in</Link></span>}
    >
      <Form method="post">
        <Stack>
          <FormError error={error} />
          <input type="hidden" name="next" value={next} />
          <input type="hidden" name="timeZone" value={timeZone} />
          <Field label="Your name" name="name" autoComplete="name" required maxLength={100} error={fieldError(error, "name")} />
          <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={email} error={fieldError(error, "email")} />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={256}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong, memorable password.`}
            error={fieldError(error, "password")}
          />
          <Button type="submit" variant="primary" block disabled={busy}>Create account</Button>
        </Stack>
      </Form>
    </AuthLayout>
  );
}
