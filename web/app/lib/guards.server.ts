/**
 * Guards for loaders and actions: the same principal and the same loadActor (authz) the API uses.
 * They throw Responses (redirects, 404s) the way Remix expects.
 */
import { redirect } from "@remix-run/cloudflare";
import type { AppLoadContext } from "@remix-run/cloudflare";
import type { Actor, Principal } from "../../../worker/authz/actor";
import { AppError } from "../../../worker/http/problem";
import { loadActor } from "../../../worker/services/actor";

export function optionalUser(context: AppLoadContext): Principal | null {
  return context.principal;
}

export function requireUser(context: AppLoadContext, request: Request): Principal {
  if (context.principal) return context.principal;
  const url = new URL(request.url);
  throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
}

export async function requireActor(context: AppLoadContext, request: Request, workspaceId: string | undefined): Promise<Actor> {
  const p = requireUser(context, request);
  try {
    return await loadActor(context.ctx, p, workspaceId ?? "");
  } catch (e) {
    throw toResponse(e);
  }
}

/** Maps service errors to what a page should do: 2FA-required -> enrolment page, else a status page. */
export function toResponse(e: unknown): Response {
  if (e instanceof Response) return e;
  if (e instanceof AppError) {
    if (e.code === "two_factor_required") return redirect("/account/security?required=1");
    if (e.status === 401) return redirect("/login");
    return new Response(e.detail, { status: e.status, statusText: e.code });
  }
  throw e;
}
