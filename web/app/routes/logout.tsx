/**
 * Sign out (POST only: a link or an image cannot sign anyone out). Revokes this session, clears
 * the cookies and goes to the sign-in page. A GET just goes home.
 */
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { logout } from "../../../worker/services/auth/logout";
import { signedOutRedirect } from "../lib/auth.server";

export async function loader() {
  return redirect("/");
}

export async function action({ context }: ActionFunctionArgs) {
  await logout(context.ctx, context.principal);
  return signedOutRedirect("/login");
}
