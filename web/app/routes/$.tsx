/**
 * Catch-all for URLs no other route matches. Throwing the 404 from a loader (instead of letting
 * Remix report "no route matches") means the root loader still runs, so the error page gets the
 * CSP nonce for its scripts and hydrates like every other page.
 */
export async function loader() {
  throw new Response("Not found", { status: 404, statusText: "not_found" });
}

export default function NotFound() {
  return null;
}
