/** Shared zod building blocks for request schemas (API routes, web forms, later the agent protocol). */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";

export const RoleSchema = z.enum(ROLES).openapi({ description: "Workspace role" });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * isTimeZone with a memory of zones already found valid, for hot paths (every agent batch and
 * heartbeat names its member's zone): building an Intl.DateTimeFormat costs more than the rest of a
 * batch's envelope parse (docs/benchmarks.md).
 */
const validTimeZones = new Set<string>();
export function isKnownTimeZone(tz: string): boolean {
  if (validTimeZones.has(tz)) return true;
  if (!isTimeZone(tz)) return false;
  if (validTimeZones.size >= 1000) validTimeZones.clear();
  validTimeZones.add(tz);
  return true;
}

export const TimeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, { message: "Unknown IANA time zone." })
  .openapi({ example: "Europe/Berlin" });

export const NameSchema = z.string().trim().min(1, "Required.").max(120, "At most 120 characters.");
export const EmailSchema = z.string().trim().toLowerCase().max(254).email("Enter a valid email address.");

export const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);
export const CursorSchema = z.string().max(200).optional();
