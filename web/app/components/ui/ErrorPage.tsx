import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Button } from "./Button";

const COPY: Record<number, { title: string; text: string }> = {
  400: { title: "That request didn't work", text: "Something in the request was not right. Go back and try again." },
  401: { title: "Please sign in", text: "You need to be signed in to see this page." },
  403: { title: "You don't have access", text: "Your role in this workspace doesn't allow this. Ask an owner if you need it." },
  404: { title: "Page not found", text: "This page doesn't exist, or you don't have access to it." },
  405: { title: "Not allowed here", text: "This page doesn't accept that kind of request." },
  410: { title: "This link has expired", text: "The link is no longer valid. Ask for a new one." },
  429: { title: "Too many requests", text: "Please wait a moment and try again." },
};

const SERVER_ERROR = { title: "Something went wrong", text: "An unexpected error happened on our side. Please try again in a moment." };

/** The status of whatever a loader, action or component threw (thrown Responses keep theirs; anything else is a 500). */
export function errorStatus(error: unknown): number {
  return isRouteErrorResponse(error) ? error.status : 500;
}

/** A page body (no <main>: the caller provides the landmark) for an HTTP status with a way back home. Server error details are never shown. */
export function ErrorPage({ status, homeHref = "/" }: { /** HTTP status to explain. */ status: number; /** Where "Go home" leads. */ homeHref?: string }) {
  const copy = COPY[status] ?? (status >= 500 ? SERVER_ERROR : { title: "Something went wrong", text: "That didn't work. Please try again." });
  return (
    <div className="error-page">
      <div className="error-box">
        <p className="error-code">{status}</p>
        <h1 className="error-title">{copy.title}</h1>
        <p className="error-text">{copy.text}</p>
        <Button to={homeHref} variant="primary">Go to home page</Button>
      </div>
    </div>
  );
}

/**
 * Drop-in ErrorBoundary for any route: `export { RouteErrorBoundary as ErrorBoundary } from "~/components/ui"`.
 * In a workspace child route this keeps the sidebar around the error.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  if (!isRouteErrorResponse(error)) console.error(error);
  return <ErrorPage status={errorStatus(error)} />;
}
