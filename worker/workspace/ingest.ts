/**
 * The agent batch ingest, as the Workspace object runs it (rules: docs/decisions/0006-idempotent-ingest.md).
 *
 * Two phases:
 * 1. prepareItems (async, no storage): parse each item with the contract, apply the server-side
 *    privacy filter, hash the content, apply the clock offset, reject items from the future.
 *    Everything here depends only on the item and the request, never on stored state.
 * 2. applyBatch (sync, inside one ctx.storage.transactionSync): compare with the stored receipts
 *    (for usage spans: their own rows), refuse new items that are too old, check overlaps and slot
 *    conflicts, write rows and receipts, recompute the touched day rollups. pruneReceipts then drops a few expired receipts in the same
 *    transaction (docs/decisions/0008-receipt-horizon.md).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  FUTURE_TOLERANCE_MS, IngestItem, ITEM_MAX_AGE_MS, MAX_BATCH_ITEMS, reduceUrl, SLOT_MS, urlHost,
  type IdleItem, type ItemResult, type RejectionCode, type TimeEntryItem, type UsageItem,
} from "../contract/agent";
import { isKnownTimeZone } from "../contract/common";
import { daysTouched } from "./localDay";
import type { RecordRow, StoredReceipt, TrackingStore, UsageRow } from "./trackingStore";

const DAY_MS = 24 * 3600_000;

/**
 * How long a receipt is kept after it was last written (ADR 0008). It must exceed ITEM_MAX_AGE_MS
 * plus FUTURE_TOLERANCE_MS: an item is written no later than 5 minutes before it ends, so by the time
 * its receipt goes, any replay of it is refused as item_too_old before it could be judged afresh.
 */
export const RECEIPT_TTL_MS = 90 * DAY_MS;
/**
 * Expired receipts each batch deletes: at least this many, or as many as the batch has items. A batch
 * never writes more receipts than it has items, so expired ones cannot pile up whatever the pattern.
 */
export const RECEIPT_PRUNE_MIN = 200;

/* ------------------------------------------------------------------------------------------ input */

const Exclusions = z.object({
  apps: z.array(z.string()),
  domains: z.array(z.string()),
  titleKeywords: z.array(z.string()),
});

export const PrivacyRules = z.object({
  exclusions: Exclusions,
  captureTitles: z.boolean(),
  trackUrls: z.boolean(),
  trackApps: z.boolean(),
});
export type PrivacyRules = z.infer<typeof PrivacyRules>;

/**
 * The projects and tasks the member may record time on, resolved by the Worker from D1 (the object
 * knows no projects). When given, entries and idle reassignments naming anything else are rejected.
 */
export const References = z.object({
  projectIds: z.array(z.string()),
  tasks: z.array(z.object({ id: z.string(), projectId: z.string() })),
});
export type References = z.infer<typeof References>;

/** What the Worker passes after authenticating the device (member and device come from the token, never the body). */
export const IngestInput = z.object({
  memberId: z.string().min(1).max(64),
  deviceId: z.string().min(1).max(64),
  timeZone: z.string().refine(isKnownTimeZone, "Unknown IANA time zone."),
  /** Server time minus agent time (ms): added to every timestamp of the batch. */
  clockOffsetMs: z.number().int(),
  receivedAt: z.number().int().positive(),
  items: z.array(z.unknown()).max(MAX_BATCH_ITEMS),
  rules: PrivacyRules.optional(),
  references: References.optional(),
});
export type IngestInput = z.infer<typeof IngestInput>;

/** Server time minus agent time, measured on each request from the batch's sentAt. */
export const measureClockOffset = (sentAtIso: string, receivedAt: number) => receivedAt - Date.parse(sentAtIso);

/* ------------------------------------------------------------------------------------ normalized */

/** An item in integer milliseconds, as it will be stored; `rev` is 0 for kinds that are never revised. */
export type NormalizedItem =
  | { kind: "time_entry"; id: string; rev: number; startMs: number; endMs: number | null; projectId: string | null; taskId: string | null; note: string; billable: boolean; source: TimeEntryItem["source"] }
  | { kind: "slot"; id: string; rev: number; slotStartMs: number; trackedS: number; activeS: number }
  | { kind: "usage"; id: string; rev: number; app: string; title: string | null; url: string | null; startMs: number; endMs: number }
  | { kind: "idle"; id: string; rev: number; startMs: number; endMs: number; decision: IdleItem["decision"]; projectId: string | null; taskId: string | null };

/** One item after phase 1: either already answered, or ready to apply. */
export type PreparedItem =
  | { index: number; id: string; result: ItemResult }
  | { index: number; id: string; item: NormalizedItem; hash: string };

const rejected = (id: string, code: RejectionCode, detail: string, field?: string): ItemResult =>
  field === undefined ? { id, status: "rejected", code, detail } : { id, status: "rejected", code, field, detail };

/** The id to answer with for an item that failed parsing (results are positional; this helps humans). */
function rawId(raw: unknown): string {
  if (raw && typeof raw === "object" && "id" in raw && typeof raw.id === "string") return raw.id.slice(0, 64);
  return "";
}

const ms = (iso: string) => Date.parse(iso);

/* --------------------------------------------------------------------------------------- privacy */

/**
 * The server's second line of defence (the agent filters first). Excluded apps, domains and title
 * keywords are rejected so that nothing of them is stored, not even a receipt; titles go when the
 * workspace does not capture them; URLs keep scheme+host+path only, or go when URLs are off.
 */
export function filterUsage(item: UsageItem, rules: PrivacyRules | undefined): { ok: true; app: string; title: string | null; url: string | null } | { ok: false; code: RejectionCode; field: string; detail: string } {
  const title = item.title ?? null;
  const url = item.url ?? null;
  if (!rules) return { ok: true, app: item.app, title, url: url === null ? null : reduceUrl(url) };
  if (!rules.trackApps) return { ok: false, code: "tracking_disabled", field: "app", detail: "This workspace does not record app and site usage." };
  const app = item.app.trim().toLowerCase();
  if (rules.exclusions.apps.some((a) => a.trim().toLowerCase() === app)) {
    return { ok: false, code: "excluded", field: "app", detail: "The app is excluded from tracking in this workspace." };
  }
  const host = url === null ? null : urlHost(url);
  if (host !== null && rules.exclusions.domains.some((d) => { const dom = d.trim().toLowerCase(); return host === dom || host.endsWith(`.${dom}`); })) {
    return { ok: false, code: "excluded", field: "url", detail: "The site is excluded from tracking in this workspace." };
  }
  if (title !== null) {
    const lower = title.toLowerCase();
    if (rules.exclusions.titleKeywords.some((k) => k.trim() !== "" && lower.includes(k.trim().toLowerCase()))) {
      return { ok: false, code: "excluded", field: "title", detail: "The window title matches an exclusion keyword of this workspace." };
    }
  }
  return {
    ok: true,
    app: item.app,
    title: rules.captureTitles ? title : null,
    url: rules.trackUrls && url !== null ? reduceUrl(url) : null,
  };
}

/* ------------------------------------------------------------------------------------ normalize */

function normalize(item: IngestItem, rules: PrivacyRules | undefined): NormalizedItem | { code: RejectionCode; field: string; detail: string } {
  switch (item.kind) {
    case "time_entry":
      return {
        kind: "time_entry", id: item.id, rev: item.rev, startMs: ms(item.start), endMs: item.end === null ? null : ms(item.end),
        projectId: item.projectId ?? null, taskId: item.taskId ?? null, note: item.note ?? "", billable: item.billable ?? false, source: item.source,
      };
    case "slot":
      return { kind: "slot", id: item.id, rev: item.rev, slotStartMs: ms(item.slotStart), trackedS: item.trackedSeconds, activeS: item.activeSeconds };
    case "usage": {
      const f = filterUsage(item, rules);
      if (!f.ok) return f;
      return { kind: "usage", id: item.id, rev: 0, app: f.app, title: f.title, url: f.url, startMs: ms(item.start), endMs: ms(item.end) };
    }
    case "idle":
      return {
        kind: "idle", id: item.id, rev: 0, startMs: ms(item.start), endMs: ms(item.end), decision: item.decision,
        projectId: item.projectId ?? null, taskId: item.taskId ?? null,
      };
  }
}

/**
 * The content that identifies a revision: everything stored except id and rev, on the agent's clock
 * (the measured offset varies between requests, so a replay must not look like new content) and after
 * the privacy filter (so no hash of a dropped title or query string is ever kept).
 */
export function canonicalContent(n: NormalizedItem): string {
  switch (n.kind) {
    case "time_entry": return JSON.stringify([n.kind, n.startMs, n.endMs, n.projectId, n.taskId, n.note, n.billable, n.source]);
    case "slot": return JSON.stringify([n.kind, n.slotStartMs, n.trackedS, n.activeS]);
    case "usage": return JSON.stringify([n.kind, n.app, n.title, n.url, n.startMs, n.endMs]);
    case "idle": return JSON.stringify([n.kind, n.startMs, n.endMs, n.decision, n.projectId, n.taskId]);
  }
}

/**
 * Synchronous (node:crypto under nodejs_compat, the runtime's native SHA-256): one awaited
 * crypto.subtle digest per item cost about a tenth of the ingest's CPU (docs/benchmarks.md).
 */
const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Moves an item onto the server clock. Slots stay on 10-minute boundaries: their start is rounded to the nearest one. */
export function applyClockOffset(n: NormalizedItem, offsetMs: number): NormalizedItem {
  if (offsetMs === 0) return n;
  switch (n.kind) {
    case "slot": return { ...n, slotStartMs: Math.round((n.slotStartMs + offsetMs) / SLOT_MS) * SLOT_MS };
    case "time_entry": return { ...n, startMs: n.startMs + offsetMs, endMs: n.endMs === null ? null : n.endMs + offsetMs };
    default: return { ...n, startMs: n.startMs + offsetMs, endMs: n.endMs + offsetMs };
  }
}

/** The latest instant an item claims to know about (server clock). */
function latestInstant(n: NormalizedItem): number {
  switch (n.kind) {
    case "slot": return n.slotStartMs;
    case "time_entry": return n.endMs ?? n.startMs;
    default: return n.endMs;
  }
}

/** The wire field that holds latestInstant, named by in_future and item_too_old. */
function latestField(n: NormalizedItem): string {
  if (n.kind === "slot") return "slotStart";
  return n.kind === "time_entry" && n.endMs === null ? "start" : "end";
}

/** A project or task the member may not use, or null when the references are fine (or not checked). */
function referenceProblem(n: NormalizedItem, refs: { projects: Set<string>; tasks: Map<string, string> } | null): { code: RejectionCode; field: string; detail: string } | null {
  if (!refs || (n.kind !== "time_entry" && n.kind !== "idle")) return null;
  if (n.projectId !== null && !refs.projects.has(n.projectId)) {
    return { code: "unknown_project", field: "projectId", detail: "No such project, or you cannot record time on it." };
  }
  if (n.taskId !== null && refs.tasks.get(n.taskId) !== n.projectId) {
    return { code: "unknown_task", field: "taskId", detail: "No such task in this project." };
  }
  return null;
}

/** Phase 1: everything that does not depend on stored state. */
export async function prepareItems(input: IngestInput): Promise<PreparedItem[]> {
  const refs = input.references
    ? { projects: new Set(input.references.projectIds), tasks: new Map(input.references.tasks.map((t) => [t.id, t.projectId])) }
    : null;
  return Promise.all(input.items.map(async (raw, index): Promise<PreparedItem> => {
    const parsed = IngestItem.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.length ? issue.path.join(".") : undefined;
      return { index, id: rawId(raw), result: rejected(rawId(raw), "invalid_item", issue.message, field) };
    }
    const id = parsed.data.id;
    const normalized = normalize(parsed.data, input.rules);
    if (!("kind" in normalized)) return { index, id, result: rejected(id, normalized.code, normalized.detail, normalized.field) };
    const bad = referenceProblem(normalized, refs);
    if (bad) return { index, id, result: rejected(id, bad.code, bad.detail, bad.field) };
    const hash = sha256Hex(canonicalContent(normalized));
    const item = applyClockOffset(normalized, input.clockOffsetMs);
    if (latestInstant(item) > input.receivedAt + FUTURE_TOLERANCE_MS) {
      return { index, id, result: rejected(id, "in_future", "More than 5 minutes after server time, even after correcting the device clock.", latestField(item)) };
    }
    return { index, id, item, hash };
  }));
}

/* ---------------------------------------------------------------------------------------- apply */

type Ready = Extract<PreparedItem, { item: NormalizedItem }>;
type EntryItem = Extract<NormalizedItem, { kind: "time_entry" }>;

/** How far back before an entry a slot that it covers may start (slots belong to the day they start in). */
export const entryDays = (startMs: number, endMs: number | null, tz: string) => daysTouched(startMs - SLOT_MS, endMs ?? startMs + 1, tz);

/**
 * Order in which time entries are applied within a batch, so that edits which free time come before
 * edits and new entries which take it: first updates that shrink an existing entry (split, idle
 * discard), then other updates, then new entries; each group by start. Everything else keeps the
 * batch's order. Results stay positional whatever the order.
 */
function applyOrder(ready: Ready[], existing: Map<string, { startMs: number; endMs: number | null }>): Ready[] {
  const group = (p: Ready) => {
    if (p.item.kind !== "time_entry") return 3;
    const old = existing.get(p.id);
    if (!old) return 2;
    const shrinks = p.item.startMs >= old.startMs && p.item.endMs !== null && (old.endMs === null || p.item.endMs <= old.endMs);
    return shrinks ? 0 : 1;
  };
  const start = (p: Ready) => (p.item.kind === "time_entry" ? p.item.startMs : 0);
  return ready
    .map((p) => ({ p, g: group(p), s: start(p) }))
    .sort((a, b) => a.g - b.g || (a.g < 3 ? a.s - b.s || a.p.id.localeCompare(b.p.id) : a.p.index - b.p.index))
    .map((x) => x.p);
}

/**
 * What a stored usage span's row answers for it, as the receipt it replaces would: never revised (rev
 * 0), stored, and the content hash; a row stored before the hash was kept matches no content, so a
 * replay of it is answered as one with different content (id_conflict). `at` is not stored anywhere.
 */
function usageReceipt(row: UsageRow, at: number): StoredReceipt {
  return { memberId: row.memberId, kind: "usage", status: "stored", code: null, field: null, detail: null, contentHash: row.contentHash ?? "", rev: 0, at };
}

/** Phase 2, inside one transaction: answers one result per input item (same order as the batch). */
export function applyBatch(store: TrackingStore, input: IngestInput, prepared: PreparedItem[]): ItemResult[] {
  const results: ItemResult[] = new Array(prepared.length);
  const ready: Ready[] = [];
  for (const p of prepared) {
    if ("result" in p) results[p.index] = p.result;
    else ready.push(p);
  }
  if (!ready.length) return results;

  const { memberId, deviceId, timeZone, receivedAt } = input;
  store.beginBatch();
  // One lookup for every id of the batch. Entries and slots are revised in place: their rows give the
  // extent an update leaves (days to recompute) and stand in for a receipt that was pruned.
  const found = store.lookup(ready.map((p) => p.id));
  const known = found.receipts;
  const entryRows = found.entries;
  const slotRows = found.slots;
  const entries = new Map<string, { startMs: number; endMs: number | null }>();
  for (const [id, r] of entryRows) if (r.memberId === memberId) entries.set(id, { startMs: r.startMs, endMs: r.endMs });
  const slots = new Map<string, number>();
  for (const [id, r] of slotRows) if (r.memberId === memberId) slots.set(id, r.slotStartMs);
  // A stored usage span is its own receipt (it writes none). It answers for every id nothing above
  // answers for, not only usage ones, so that an entry, slot or idle span reusing a span's id is still
  // id_conflict, as it was while spans had receipts.
  for (const [id, row] of found.usage) {
    if (!known.has(id) && !entryRows.has(id) && !slotRows.has(id)) known.set(id, usageReceipt(row, receivedAt));
  }
  const days = new Set<string>();

  const remember = (id: string, r: StoredReceipt) => {
    known.set(id, r);
    // A stored usage span's row answers for it from now on; rejections still need a receipt.
    if (r.kind !== "usage" || r.status !== "stored") store.queueReceipt(id, r);
  };
  const reject = (p: Ready, code: RejectionCode, field: string, detail: string): ItemResult => {
    // Depends on stored state: kept so that a replay of this revision answers the same.
    remember(p.id, { memberId, kind: p.item.kind, status: "rejected", code, field, detail, contentHash: p.hash, rev: p.item.rev, at: receivedAt });
    return rejected(p.id, code, detail, field);
  };
  const stored = (p: Ready): ItemResult => {
    remember(p.id, { memberId, kind: p.item.kind, status: "stored", code: null, field: null, detail: null, contentHash: p.hash, rev: p.item.rev, at: receivedAt });
    return { id: p.id, status: "stored" };
  };

  /** The answer a receipt fixes for this item, or null when it is to be judged afresh (a higher rev). */
  function replayAnswer(p: Ready, receipt: StoredReceipt): ItemResult | null {
    const { item } = p;
    if (receipt.memberId !== memberId) {
      // Someone else's id: answer as for any reused id, without saying whose it is or what it holds.
      return rejected(p.id, "id_conflict", "This id is already in use; generate a new one.", "id");
    }
    if (receipt.kind !== item.kind) return rejected(p.id, "id_conflict", `This id was already used for a ${receipt.kind} item.`, "id");
    if (item.rev < receipt.rev) return { id: p.id, status: "duplicate", detail: `Stale: revision ${receipt.rev} is newer.` };
    if (item.rev > receipt.rev) return null; // an update if stored, a new attempt if it was rejected
    if (receipt.contentHash !== p.hash) {
      return rejected(p.id, "id_conflict", "This id and rev were already uploaded with different content; raise rev to change it.", "id");
    }
    if (receipt.status === "stored") return { id: p.id, status: "duplicate" };
    return rejected(p.id, receipt.code ?? "invalid_item", receipt.detail ?? "", receipt.field ?? undefined);
  }

  /**
   * For an entry or slot stored without a receipt (pruned, ADR 0008): the row's rev stands in for it,
   * so a replay never brings back older content. Its content hash is gone, so the same rev answers
   * `duplicate` whatever it holds. Usage spans are answered by their rows above; idle spans are never
   * revised, and their inserts leave an existing row as it is.
   */
  function withoutReceipt(p: Ready, row: RecordRow | undefined): ItemResult | null {
    if (!row) return null;
    if (row.memberId !== memberId) return rejected(p.id, "id_conflict", "This id is already in use; generate a new one.", "id");
    if (p.item.rev < row.rev) return { id: p.id, status: "duplicate", detail: `Stale: revision ${row.rev} is newer.` };
    return p.item.rev === row.rev ? { id: p.id, status: "duplicate" } : null;
  }

  const rowOf = (p: Ready): RecordRow | undefined =>
    p.item.kind === "time_entry" ? entryRows.get(p.id) : p.item.kind === "slot" ? slotRows.get(p.id) : undefined;

  for (const p of applyOrder(ready, entries)) {
    const receipt = known.get(p.id);
    const answer = receipt ? replayAnswer(p, receipt) : withoutReceipt(p, rowOf(p));
    if (answer) {
      results[p.index] = answer;
      continue;
    }
    // Only what is judged afresh may be too old, so a replay keeps its receipt's answer (ADR 0008).
    // Not recorded: like in_future, it follows from the item and the server's clock.
    if (latestInstant(p.item) < receivedAt - ITEM_MAX_AGE_MS) {
      results[p.index] = rejected(p.id, "item_too_old", "Ended more than 60 days before server time: no longer accepted.", latestField(p.item));
      continue;
    }
    results[p.index] = applyItem(p, p.item);
  }

  function applyItem(p: Ready, item: NormalizedItem): ItemResult {
    switch (item.kind) {
      case "time_entry": return applyEntry(p, item);
      case "slot": {
        const other = store.slotConflict(memberId, deviceId, item.slotStartMs, item.id);
        if (other) return reject(p, "slot_conflict", "slotStart", `This device already uploaded slot ${other} for this 10-minute slot.`);
        const oldStart = slots.get(item.id);
        if (oldStart !== undefined) for (const d of daysTouched(oldStart, oldStart + 1, timeZone)) days.add(d);
        store.upsertSlot(memberId, deviceId, item);
        slots.set(item.id, item.slotStartMs);
        for (const d of daysTouched(item.slotStartMs, item.slotStartMs + 1, timeZone)) days.add(d);
        return stored(p);
      }
      case "usage":
        store.queueUsage(memberId, deviceId, item, p.hash);
        return stored(p);
      case "idle":
        store.insertIdle(memberId, deviceId, item);
        return stored(p);
    }
  }

  function applyEntry(p: Ready, item: EntryItem): ItemResult {
    const conflict = store.findOverlap(memberId, item.id, item.startMs, item.endMs);
    if (conflict) {
      const until = conflict.endMs === null ? "running" : new Date(conflict.endMs).toISOString();
      return reject(p, "time_entry_overlaps", "start", `Overlaps time entry ${conflict.id} (${new Date(conflict.startMs).toISOString()} – ${until}).`);
    }
    const old = entries.get(item.id);
    if (old) for (const d of entryDays(old.startMs, old.endMs, timeZone)) days.add(d);
    store.upsertEntry(memberId, deviceId, item, receivedAt);
    entries.set(item.id, { startMs: item.startMs, endMs: item.endMs });
    for (const d of entryDays(item.startMs, item.endMs, timeZone)) days.add(d);
    return stored(p);
  }

  store.flush();
  for (const day of [...days].sort()) store.recomputeDay(memberId, day, timeZone);
  return results;
}

/**
 * After a prune that left no expired receipt, batches whose cutoff is less than this much later skip
 * pruning: at most this window's receipts expire meanwhile, and the next prune takes them.
 */
export const RECEIPT_PRUNE_PAUSE_MS = 10 * 60_000;

/**
 * Deletes expired receipts (older than RECEIPT_TTL_MS on the batch's clock), at most
 * max(RECEIPT_PRUNE_MIN, items in the batch): amortised over the ingest, in its transaction, with no
 * alarm and no sweep of the whole table (ADR 0008). `pruner` remembers, for one object instance, up to
 * where nothing expired is left, so that most batches need no statement at all; a prune that hits its
 * limit leaves more behind, and the next batch prunes again.
 */
export function pruneReceipts(store: TrackingStore, input: IngestInput, pruner: ReceiptPruner) {
  const cutoff = input.receivedAt - RECEIPT_TTL_MS;
  if (pruner.clearBefore !== null && cutoff < pruner.clearBefore + RECEIPT_PRUNE_PAUSE_MS) return;
  const { deletedAll } = store.pruneReceipts(cutoff, Math.max(RECEIPT_PRUNE_MIN, input.items.length));
  pruner.clearBefore = deletedAll ? cutoff : null;
}

/** Per object instance: no receipt last written before `clearBefore` is left (null: unknown). */
export interface ReceiptPruner {
  clearBefore: number | null;
}
