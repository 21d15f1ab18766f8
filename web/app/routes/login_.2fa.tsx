/**
 * Sign in, step two (/login/2fa): a code from the authenticator app or one of the recovery codes,
 * in one field (six digits are read as an app code, anything else as a recovery code). The
 * challenge from step one travels in an HttpOnly cookie, never in the page.
 * The underscore in the file name keeps this page from rendering inside the /login page.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AppError } from "../../../worker/http/problem";
import { completeTwoFactorLogin } from "../../../worker/services/auth/login";
import { splitCode } from "../../../worker/services/auth/secondFactor";
import { AuthLayout, Button, Field, FormError, Stack, fieldError } from "../components/ui";
import { readChallenge, restartLogin, safeNext, signedInRedirect } from "../lib/auth.server";
import { handleAction, readForm } from "../lib/forms.server";
import { actionError } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Two-factor sign-in · Worktrail" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  if (context.principal) throw redirect(next);
  if (!readChallenge(request)) throw redirect(`/login?next=${encodeURIComponent(next)}`);
  return { next };
}

const CodeForm = z.object({ code: z.string().trim().min(6, "Enter the code.").max(32), next: z.string().max(2000).optional() });

export async function action({ context, request }: ActionFunctionArgs) {
  const challenge = readChallenge(request);
  return handleAction(async () => {
    const input = await readForm(request, CodeForm);
    if (!challenge) throw restartLogin(input.next);
    try {
      const r = await completeTwoFactorLogin(context.ctx, { challenge, ...splitCode(input.code) }, "browser");
      throw signedInRedirect(r.tokens, context.ctx.now(), input.next);
    } catch (e) {
      if (e instanceof AppError && e.code === "invalid_challenge") throw restartLogin(input.next);
      throw e;
    }
  });
}

export default function LoginTwoFactor() {
  const { next } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = actionError(result);
  const busy = useNavigation().state === "submitting";
  return (
    <AuthLayout
      title="Two-factor authentication"
      description="Enter the 6-digit code from your authenticator app, or one of your recovery codes."
      footer={<Link className="link" to="/login">Start over</Link>}
    >
      <Form method="post">
        <Stack>
          <FormError error={error} />
          <input type="hidden" name="next" value={next} />
          <Field
            label="Code"
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            required
            maxLength={32}
            autoFocus
            hint="A recovery code works once; afterwards it is used up."
            error={fieldError(error, "code")}
          />
          <Button type="submit" variant="primary" block disabled={busy}>Verify</Button>
        </Stack>
      </Form>
    </AuthLayout>
  );
}
