/**
 * Account security: change password, two-factor (set up with a QR code, confirm a code, recovery
 * codes shown once, turn off), and the list of signed-in sessions with revoke. Each form posts an
 * `intent`; the services do every check (re-authentication, throttling, single-use codes).
 * With ?required=1 (sent here by a workspace that requires two-factor) the page says why.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../../worker/crypto/password";
import { AppError, notFound, problemBody } from "../../../worker/http/problem";
import { changePassword } from "../../../worker/services/auth/changePassword";
import { passwordField, totpCodeField } from "../../../worker/services/auth/fields";
import { disableTwoFactor, enableTwoFactor, pendingTwoFactorSetup, regenerateRecoveryCodes, setupTwoFactor, twoFactorStatus } from "../../../worker/services/auth/twoFactor";
import { listSessions, revokeOwnSession } from "../../../worker/services/sessions";
import { AccountNav } from "../components/account/AccountNav";
import { Alert, Badge, Button, Card, DataTable, Field, FormError, Inline, PageHeader, SiteHeader, Stack, fieldError } from "../components/ui";
import { signedOutRedirect } from "../lib/auth.server";
import { readForm } from "../lib/forms.server";
import { requireUser, toResponse } from "../lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Security · Worktrail" }];

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "Firefox on Linux"-style label from a user agent; the raw string stays available as a tooltip. */
function deviceLabel(ua: string | null, kind: "browser" | "api"): string {
  if (!ua) return kind === "api" ? "API client" : "Unknown browser";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : kind === "api" ? "API client" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : null;
  return os ? `${browser} on ${os}` : browser;
}

const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(svg)}`;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const p = requireUser(context, request);
  try {
    const [status, pending, sessions] = await Promise.all([
      twoFactorStatus(context.ctx, p),
      pendingTwoFactorSetup(context.ctx, p),
      listSessions(context.ctx, p),
    ]);
    return {
      user: { name: p.name },
      email: p.email,
      required: new URL(request.url).searchParams.get("required") === "1",
      twoFactor: status,
      // The QR travels as an <img> data: URL: no inline SVG markup (and its styles) in our page.
      pending: pending ? { secret: pending.secret, otpauthUri: pending.otpauthUri, qr: svgDataUrl(pending.qrSvg) } : null,
      sessions: sessions.map((s) => ({
        id: s.id, current: s.current, device: deviceLabel(s.userAgent, s.kind), userAgent: s.userAgent ?? "",
        ip: s.ip ?? "unknown", createdAt: when(s.createdAt), lastSeenAt: when(s.lastSeenAt),
      })),
    };
  } catch (e) {
    throw toResponse(e);
  }
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("password"), currentPassword: passwordField.min(1, "Enter your current password."), newPassword: passwordField }),
  z.object({ intent: z.literal("setup") }),
  z.object({ intent: z.literal("enable"), code: totpCodeField }),
  z.object({ intent: z.literal("disable"), password: passwordField.min(1, "Enter your password."), code: z.string().trim().min(6, "Enter a code.").max(32) }),
  z.object({ intent: z.literal("recovery"), code: totpCodeField }),
  z.object({ intent: z.literal("revoke"), sessionId: z.string().min(1).max(64) }),
]);
type IntentName = z.infer<typeof Intent>["intent"];

export async function action({ context, request }: ActionFunctionArgs) {
  const p = requireUser(context, request);
  const ctx = context.ctx;
  // Read the intent first so an error can be shown next to the form that caused it.
  const raw = (await request.clone().formData()).get("intent");
  const intent = Intent.options.map((o) => o.shape.intent.value).find((v) => v === raw) ?? null;
  try {
    const input = await readForm(request, Intent);
    switch (input.intent) {
      case "password":
        await changePassword(ctx, p, input);
        return { intent: input.intent, ok: "Password changed. Your other sessions were signed out." };
      case "setup":
        await setupTwoFactor(ctx, p);
        return { intent: input.intent, ok: "Scan the QR code, then enter a code to finish." };
      case "enable":
        return { intent: input.intent, ok: "Two-factor authentication is on.", ...(await enableTwoFactor(ctx, p, input.code)) };
      case "disable":
        await disableTwoFactor(ctx, p, input);
        return { intent: input.intent, ok: "Two-factor authentication is off." };
      case "recovery":
        return { intent: input.intent, ok: "New recovery codes created; the old ones no longer work.", ...(await regenerateRecoveryCodes(ctx, p, input.code)) };
      case "revoke":
        if (!(await revokeOwnSession(ctx, p, input.sessionId))) throw notFound("session");
        if (input.sessionId === p.sessionId) throw signedOutRedirect("/login");
        return { intent: input.intent, ok: "Session signed out." };
    }
  } catch (e) {
    // Like handleAction, plus the intent, so the page can tell which of its forms failed.
    if (e instanceof Response) throw e;
    if (e instanceof AppError && e.status < 500 && e.status !== 404) {
      return data({ intent, error: problemBody(e) }, { status: e.status, headers: e.headers });
    }
    throw toResponse(e);
  }
}

type Result = ReturnType<typeof useActionData<typeof action>>;
const errorFor = (r: Result, intent: IntentName) => (r && "error" in r && r.intent === intent ? r.error : undefined);
const okFor = (r: Result, intent: IntentName) => (r && "ok" in r && r.intent === intent ? r.ok : undefined);

export default function AccountSecurity() {
  const { user, email, required, twoFactor, pending, sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const codes = result && "recoveryCodes" in result ? result.recoveryCodes : null;
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="site-content">
        <PageHeader title="Security" description="Your password, two-factor authentication and where you are signed in." actions={<AccountNav current="security" />} />
        <Stack gap={3}>
          {required && !twoFactor.enabled ? (
            <Alert tone="warning" title="Your workspace requires two-factor authentication">
              Turn it on below to keep using that workspace.
            </Alert>
          ) : null}

          <Card title="Password" description="Changing it signs you out everywhere else.">
            <Form method="post">
              <Stack>
                <input type="hidden" name="intent" value="password" />
                <AccountName email={email} />
                {okFor(result, "password") ? <Alert tone="success">{okFor(result, "password")}</Alert> : null}
                <FormError error={errorFor(result, "password")} />
                <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required maxLength={1024} error={fieldError(errorFor(result, "password"), "currentPassword")} />
                <Field
                  label="New password"
                  name="newPassword"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={MIN_PASSWORD_LENGTH}
                  maxLength={256}
                  hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a commonly used password.`}
                  error={fieldError(errorFor(result, "password"), "newPassword")}
                />
                <Inline end><Button type="submit" variant="primary" disabled={busy}>Change password</Button></Inline>
              </Stack>
            </Form>
          </Card>

          <Card
            title="Two-factor authentication"
            description="A code from an authenticator app on your phone, asked for at every sign-in."
            actions={twoFactor.enabled ? <Badge tone="success">On</Badge> : <Badge tone="warning">Off</Badge>}
          >
            <Stack>
              {okFor(result, "enable") || okFor(result, "disable") || okFor(result, "recovery") ? (
                <Alert tone="success">{okFor(result, "enable") ?? okFor(result, "disable") ?? okFor(result, "recovery")}</Alert>
              ) : null}
              {codes ? <RecoveryCodes codes={codes} /> : null}
              {twoFactor.enabled ? (
                <EnabledTwoFactor email={email} result={result} busy={busy} codesLeft={twoFactor.recoveryCodesLeft} />
              ) : pending ? (
                <PendingTwoFactor pending={pending} result={result} busy={busy} />
              ) : (
                <Form method="post">
                  <Stack>
                    <input type="hidden" name="intent" value="setup" />
                    <FormError error={errorFor(result, "setup")} />
                    <p className="muted">You will need an authenticator app such as 1Password, Google Authenticator or Aegis.</p>
                    <Inline><Button type="submit" variant="primary" disabled={busy}>Set up two-factor</Button></Inline>
                  </Stack>
                </Form>
              )}
            </Stack>
          </Card>

          <Card title="Where you're signed in" description="Sign out any session you don't recognise." flush>
            {okFor(result, "revoke") ? <Alert tone="success">{okFor(result, "revoke")}</Alert> : null}
            <FormError error={errorFor(result, "revoke")} />
            <DataTable
              caption="Active sessions"
              rows={sessions}
              empty="No active sessions."
              columns={[
                { key: "device", header: "Device", render: (s) => <span title={s.userAgent}>{s.device} {s.current ? <Badge tone="info">This device</Badge> : null}</span> },
                { key: "ip", header: "IP address", render: (s) => <span className="mono">{s.ip}</span> },
                { key: "createdAt", header: "Signed in", className: "nowrap" },
                { key: "lastSeenAt", header: "Last active", className: "nowrap" },
                {
                  key: "actions", header: <span className="sr-only">Actions</span>, className: "actions",
                  render: (s) => (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="sessionId" value={s.id} />
                      <Button type="submit" size="sm" variant={s.current ? "ghost" : "danger"} disabled={busy} aria-label={`Sign out ${s.device}, last active ${s.lastSeenAt}`}>
                        {s.current ? "Sign out" : "Revoke"}
                      </Button>
                    </Form>
                  ),
                },
              ]}
            />
          </Card>
        </Stack>
      </main>
    </>
  );
}

/** Lets password managers tell which account a password form belongs to (not read by the action). */
function AccountName({ email }: { email: string }) {
  return <input type="text" name="username" autoComplete="username" value={email} readOnly hidden aria-hidden="true" tabIndex={-1} />;
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert tone="warning" title="Save your recovery codes now">
      <p>Each code signs you in once if you lose your phone. They are shown only this time.</p>
      <ol className="mono" aria-label="Recovery codes">
        {codes.map((c) => <li key={c}>{c}</li>)}
      </ol>
    </Alert>
  );
}

function PendingTwoFactor({ pending, result, busy }: { pending: { secret: string; otpauthUri: string; qr: string }; result: Result; busy: boolean }) {
  const error = errorFor(result, "enable");
  return (
    <Stack>
      {okFor(result, "setup") ? <Alert tone="info">{okFor(result, "setup")}</Alert> : null}
      <p>1. Scan this QR code with your authenticator app.</p>
      <img src={pending.qr} alt="QR code to add Worktrail to your authenticator app" width={200} height={200} />
      <p className="small muted">
        Can't scan it? Enter this key by hand: <span className="mono">{pending.secret.replace(/(.{4})/g, "$1 ").trim()}</span>
      </p>
      <Form method="post">
        <Stack>
          <input type="hidden" name="intent" value="enable" />
          <FormError error={error} />
          <Field label="2. Enter the 6-digit code it shows" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required maxLength={6} error={fieldError(error, "code")} />
          <Inline><Button type="submit" variant="primary" disabled={busy}>Turn on two-factor</Button></Inline>
        </Stack>
      </Form>
    </Stack>
  );
}

function EnabledTwoFactor({ email, result, busy, codesLeft }: { email: string; result: Result; busy: boolean; codesLeft: number }) {
  const recoveryError = errorFor(result, "recovery");
  const disableError = errorFor(result, "disable");
  return (
    <Stack gap={3}>
      <Form method="post">
        <Stack>
          <input type="hidden" name="intent" value="recovery" />
          <p>You have <strong>{codesLeft}</strong> unused recovery {codesLeft === 1 ? "code" : "codes"}. New ones replace all of them.</p>
          <FormError error={recoveryError} />
          <Field label="Code from your app" name="code" id="recovery-code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required maxLength={6} error={fieldError(recoveryError, "code")} />
          <Inline><Button type="submit" disabled={busy}>Create new recovery codes</Button></Inline>
        </Stack>
      </Form>
      <Form method="post">
        <Stack>
          <input type="hidden" name="intent" value="disable" />
          <AccountName email={email} />
          <p className="strong">Turn off two-factor</p>
          <FormError error={disableError} />
          <Field label="Password" name="password" id="disable-password" type="password" autoComplete="current-password" required maxLength={1024} error={fieldError(disableError, "password")} />
          <Field label="Code from your app or a recovery code" name="code" id="disable-code" autoComplete="one-time-code" required maxLength={32} error={fieldError(disableError, "code")} />
          <Inline><Button type="submit" variant="danger" disabled={busy}>Turn off two-factor</Button></Inline>
        </Stack>
      </Form>
    </Stack>
  );
}
