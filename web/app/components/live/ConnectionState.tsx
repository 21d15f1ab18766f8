/**
 * Where the board's connection stands: a small "Live" indicator while the socket is open, a clear
 * banner while it is down (the rows shown may be out of date), and a final notice when the server
 * closed it because the viewer may no longer see the board.
 */
import { isFinal, type ConnectionStatus } from "../../lib/live/liveConnection";
import { Alert } from "../ui";

export function LiveIndicator({ status }: { status: ConnectionStatus }) {
  if (isFinal(status)) return null;
  const live = status === "live";
  return (
    <span className={live ? "live-indicator live-indicator-on" : "live-indicator"}>
      <span className="live-indicator-dot" aria-hidden="true" />
      {live ? "Live" : status === "connecting" ? "Connecting…" : "Offline"}
    </span>
  );
}

export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  // The role="status" region stays in the document so its text is announced when it appears.
  return (
    <>
      <div role="status" className={status === "reconnecting" ? "live-banner" : "live-banner live-banner-hidden"}>
        {status === "reconnecting" ? "Connection lost — reconnecting… The board may be out of date until it is back." : null}
      </div>
      {status === "revoked" ? (
        <Alert tone="danger" title="You no longer have access to this board">
          Your role or membership changed. Reload the page or go back to the workspace overview.
        </Alert>
      ) : null}
      {status === "signedOut" ? (
        <Alert tone="warning" title="You were signed out">
          This session was signed out, so the board stopped updating. <a href="/login">Sign in again</a> to see it.
        </Alert>
      ) : null}
    </>
  );
}
