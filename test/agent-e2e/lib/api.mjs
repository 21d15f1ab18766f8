// The public API calls the agent runs make as people would: sign in, hand out a one-time code,
// set exclusions, and read back a member's day and screenshots. Answers are checked with zod so a
// changed shape fails loudly here instead of as a confusing assertion later.
import { z } from "zod";

const Tokens = z.object({ accessToken: z.string() });
const Member = z.object({ id: z.string(), email: z.string(), timeZone: z.string(), displayName: z.string() });
const Entry = z.object({
  id: z.string(), start: z.string(), end: z.string().nullable(), durationSeconds: z.number(),
  projectId: z.string().nullable(), note: z.string(), source: z.string(),
});
const Timesheet = z.object({
  member: z.object({ id: z.string(), timeZone: z.string() }),
  entries: z.array(Entry),
  slots: z.array(z.object({ start: z.string(), trackedSeconds: z.number(), activeSeconds: z.number() })).nullable(),
  apps: z.array(z.object({ app: z.string(), seconds: z.number() })).nullable(),
});
const Shot = z.object({ id: z.string(), takenAt: z.number(), slotStart: z.number(), app: z.string().nullable(), contentType: z.string() });

/** The member's local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(ms, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
}

export function createApi(baseUrl) {
  async function call(method, path, { token, body, raw = false } = {}) {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 400)}`);
    return raw ? res : res.json();
  }

  return {
    /** An access token (valid 10 minutes: longer than any run). */
    async login(email, password) {
      return Tokens.parse(await call("POST", "/auth/login", { body: { email, password } })).accessToken;
    },

    async memberByEmail(token, workspaceId, email) {
      const { items } = z.object({ items: z.array(Member) }).parse(await call("GET", `/workspaces/${workspaceId}/members`, { token }));
      const member = items.find((m) => m.email === email);
      if (!member) throw new Error(`No member ${email} in workspace ${workspaceId}`);
      return member;
    },

    /** A one-time code the member types into the agent (POST …/devices/code). */
    async issueCode(token, workspaceId) {
      return z.object({ code: z.string() }).parse(await call("POST", `/workspaces/${workspaceId}/devices/code`, { token })).code;
    },

    async patchTrackingSettings(token, workspaceId, patch) {
      return call("PATCH", `/workspaces/${workspaceId}/tracking-settings`, { token, body: patch });
    },

    /**
     * The member's timesheet for every local day that [fromMs, toMs] touches, merged: a run near
     * midnight (member's zone) spans two days. Entries crossing midnight appear in both; kept once.
     */
    async memberDays(token, workspaceId, member, fromMs, toMs) {
      const dates = [...new Set([localDate(fromMs, member.timeZone), localDate(toMs, member.timeZone)])];
      const entries = new Map();
      const slots = new Map();
      const apps = new Map();
      for (const date of dates) {
        const day = Timesheet.parse(await call("GET", `/workspaces/${workspaceId}/members/${member.id}/day?date=${date}`, { token }));
        for (const e of day.entries) entries.set(e.id, e);
        for (const s of day.slots ?? []) slots.set(s.start, s);
        for (const a of day.apps ?? []) apps.set(a.app, (apps.get(a.app) ?? 0) + a.seconds);
      }
      return {
        entries: [...entries.values()],
        slots: [...slots.values()],
        apps: [...apps].map(([app, seconds]) => ({ app, seconds })),
      };
    },

    /** Every page of the member's screenshots in [fromMs, toMs). */
    async screenshots(token, workspaceId, memberId, fromMs, toMs) {
      const items = [];
      let cursor = null;
      do {
        // Pages of 100: limit=500 (the documented maximum) answers 500, the service asks the
        // Workspace object for limit + 1 rows, over its own cap of 500 (reported).
        const page = z.object({ items: z.array(Shot), nextCursor: z.string().nullable() }).parse(await call("GET",
          `/workspaces/${workspaceId}/members/${memberId}/screenshots?from=${fromMs}&to=${toMs}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token }));
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },

    /** The decrypted image as the Worker serves it to a viewer. */
    async screenshotImage(token, workspaceId, shotId) {
      const res = await call("GET", `/workspaces/${workspaceId}/screenshots/${shotId}`, { token, raw: true });
      return { contentType: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}

/** JPEG files start with SOI (FF D8) and a marker (FF). */
export const isJpeg = (bytes) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
