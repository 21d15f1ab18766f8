/**
 * Field rules shared by the API routes and the web forms (both doors parse the same way), plus the
 * checks zod cannot express with a stable error code (password policy, IANA time zone). Those throw
 * 422 validation_failed naming the field, so a form can show the message next to the input.
 */
import { z } from "@hono/zod-openapi";
import { checkPasswordPolicy } from "../../crypto/password";
import { validationFailed } from "../../http/problem";

/** Emails are compared lower-cased and trimmed everywhere (users.email is stored that way). */
export const emailField = z.string().trim().toLowerCase().max(254, "At most 254 characters.").email("Enter a valid email address.");
export const nameField = z.string().trim().min(1, "Required.").max(100, "At most 100 characters.");
/**
 * Only an upper bound here: length and blocklist are checked by the policy, which answers with
 * its own codes (password_too_short, password_common...) instead of a generic "too_small".
 */
export const passwordField = z.string().max(1024);
export const totpCodeField = z.string().trim().regex(/^[0-9]{6}$/, "Enter the 6-digit code from your authenticator app.");
export const recoveryCodeField = z.string().trim().min(8).max(32);
export const timeZoneField = z.string().trim().min(1).max(64);
/** Opaque tokens we minted ourselves (email links, refresh tokens, 2FA challenges). */
export const opaqueTokenField = z.string().trim().min(16).max(4096);

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function assertPasswordPolicy(password: string, field: string, context: { email?: string; name?: string }): void {
  const violation = checkPasswordPolicy(password, context);
  if (violation) throw validationFailed([{ field, code: violation.code, message: violation.detail }]);
}

/** The canonical IANA name ("europe/paris" → "Europe/Paris"), or a 422 on the field. */
export function canonicalTimeZone(tz: string, field = "timeZone"): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw validationFailed([{ field, code: "invalid_time_zone", message: "Unknown time zone. Use an IANA name such as Europe/Berlin." }]);
  }
}
