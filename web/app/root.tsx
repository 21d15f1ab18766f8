import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { ErrorPage, errorStatus } from "./components/ui";
import appStyles from "./styles/app.css?url";
import componentStyles from "./styles/components.css?url";
import layoutStyles from "./styles/layout.css?url";

// Tokens and base first, then primitives, then page layouts (later files may refine earlier ones).
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appStyles },
  { rel: "stylesheet", href: componentStyles },
  { rel: "stylesheet", href: layoutStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ error }) => [{ title: error ? `${errorStatus(error)} · Worktrail` : "Worktrail" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return { nonce: context.cspNonce };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = data?.nonce;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#4f46e5" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Every uncaught error or thrown status page: the status, a plain explanation, a link home. */
export function ErrorBoundary() {
  const error = useRouteError();
  // Unexpected errors are logged (the server also logs them with the request id); their text is not shown.
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <main>
      <ErrorPage status={errorStatus(error)} />
    </main>
  );
}
