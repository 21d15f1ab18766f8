/**
 * "Connect the desktop app": a button that asks for a one-time sign-in code and, once issued, shows it
 * big with its expiry and the two ways to use it (the desktop app, the headless agent). The code is
 * shown once: only its keyed hash is stored.
 */
import { Form } from "@remix-run/react";
import { Button, Card, Stack } from "../ui";

export interface IssuedCode {
  /** Grouped for reading, e.g. "ABCD-EFGH" (the agent ignores the hyphen). */
  code: string;
  /** When it stops working, in the member's time zone. */
  expires: string;
  expiresAt: number;
  /** This server's origin, for the headless agent's --server. */
  origin: string;
}

export function ConnectAgentCard({ issued, submitting }: { issued: IssuedCode | null; submitting: boolean }) {
  return (
    <Card
      title="Connect the desktop app"
      description="Sign the Worktrail desktop app in to this workspace with a one-time code: no password is typed on the computer."
    >
      <Stack gap={3}>
        {issued ? (
          <Stack gap={2}>
            <div className="stack gap-1">
              <p className="field-label" id="device-code-label">Your sign-in code</p>
              <p><span className="device-code" aria-labelledby="device-code-label">{issued.code}</span></p>
              <p className="muted">
                Works once, until <time dateTime={new Date(issued.expiresAt).toISOString()}>{issued.expires}</time>.
                It is shown only now; get a new one if it expires.
              </p>
            </div>
            <div className="stack gap-1">
              <p className="strong">In the desktop app</p>
              <p className="muted">Open Worktrail, choose "Sign in with a code" and enter the code above.</p>
            </div>
            <div className="stack gap-1">
              <p className="strong">Headless agent (servers, terminals)</p>
              <pre className="command" aria-label="Command for the headless agent"><code>{`npm run agent -- --server ${issued.origin} --code ${issued.code}`}</code></pre>
            </div>
          </Stack>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="code" />
          <Button type="submit" variant={issued ? "secondary" : "primary"} disabled={submitting}>
            {issued ? "Get a new code" : "Get a sign-in code"}
          </Button>
        </Form>
      </Stack>
    </Card>
  );
}
