/**
 * Development outbox (/dev/mail): every mail the app "sent", newest first, with clickable links, so
 * sign-up, reset and invitation flows can be followed locally. Answers 404 outside development
 * and test, exactly like a page that does not exist.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { isDev } from "../../../worker/env";
import { listOutbox } from "../../../worker/services/mail";
import { Card, EmptyState, PageHeader, SiteHeader, Stack } from "../components/ui";

export const meta: MetaFunction = () => [{ title: "Outbox (development) · Worktrail" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!isDev(context.env)) throw new Response("Not found", { status: 404 });
  const mails = await listOutbox(context.ctx, 50);
  return {
    user: context.principal ? { name: context.principal.name } : null,
    mails: mails.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, at: new Date(m.createdAt).toISOString().replace("T", " ").slice(0, 19) })),
  };
}

const URL_RE = /(https?:\/\/[^\s<>"]+)/g;

/**
 * The mail text line by line (long links wrap instead of overflowing), with its URLs as links:
 * only http(s), rendered as text and href, so no markup from a mail reaches the page.
 */
function Linkified({ text }: { text: string }) {
  return (
    <div className="mono small">
      {text.split("\n").map((line, n) => (
        <Fragment key={n}>
          {line.split(URL_RE).map((part, i) => (i % 2 === 1 ? <a key={i} className="link" href={part}>{part}</a> : <Fragment key={i}>{part}</Fragment>))}
          <br />
        </Fragment>
      ))}
    </div>
  );
}

export default function DevMail() {
  const { user, mails } = useLoaderData<typeof loader>();
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="site-content">
        <PageHeader title="Outbox" description="Development only: mails are stored here instead of being delivered." />
        {mails.length === 0 ? (
          <EmptyState title="No mail yet" description="Sign up, reset a password or invite someone, and the message shows up here." />
        ) : (
          <Stack>
            {mails.map((m) => (
              <Card key={m.id} title={m.subject} description={`To ${m.to} · ${m.at} UTC`}>
                <Linkified text={m.text} />
              </Card>
            ))}
          </Stack>
        )}
      </main>
    </>
  );
}
