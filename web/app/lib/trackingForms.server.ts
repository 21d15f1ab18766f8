/**
 * The tracking settings and rule forms, turned into the very inputs the API takes: the form layer only
 * converts HTML strings (checkboxes, numbers, one entry per line, minutes) and the shared zod schemas
 * of worker/services/tracking/fields.ts decide what is valid, so both doors accept the same values.
 * Errors come back under the form's field names, in plain words.
 */
import { z } from "zod";
import { validationFailed, zodFieldErrors, type FieldError } from "../../../worker/http/problem";
import { RuleInput, TrackingSettingsPatch } from "../../../worker/services/tracking/fields";
import { readForm } from "./forms.server";

type NumberKey = "screenshotsPerSlot" | "screenshotRetentionDays" | "idleThresholdSeconds" | "offlineAfterSeconds";

/** The bounds fields.ts sets on a number, so the form's min/max and messages cannot drift from it. */
function bounds(key: NumberKey): { min: number; max: number } {
  const n = TrackingSettingsPatch.shape[key].unwrap();
  if (n.minValue === null || n.maxValue === null) throw new Error(`fields.ts: ${key} has no bounds`);
  return { min: n.minValue, max: n.maxValue };
}

const idle = bounds("idleThresholdSeconds");
const offline = bounds("offlineAfterSeconds");

/** Input limits for the tracking form (min/max attributes and hint text); the idle threshold and offline grace in minutes. */
export const TRACKING_LIMITS = {
  screenshotsPerSlot: bounds("screenshotsPerSlot"),
  screenshotRetentionDays: bounds("screenshotRetentionDays"),
  idleThresholdMinutes: { min: idle.min / 60, max: idle.max / 60 },
  offlineAfterMinutes: { min: offline.min / 60, max: offline.max / 60 },
};

const text = (max: number) => z.string().max(max, "Too long.");
const checkbox = z.literal("on").optional().transform((v) => v === "on");
// Long enough for MAX_EXCLUSIONS entries of MAX_PATTERN_LENGTH characters; fields.ts counts the entries.
const lines = text(50_000).optional().transform((v) => (v ?? "").split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== ""));

const TrackingForm = z.object({
  screenshotsPerSlot: text(20),
  screenshotBlur: checkbox,
  memberMayDelete: checkbox,
  screenshotRetentionDays: text(20),
  trackApps: checkbox,
  trackUrls: checkbox,
  captureTitles: checkbox,
  idleThresholdMinutes: text(20),
  // Optional: a form rendered before the setting existed still saves, leaving it as it is.
  offlineAfterMinutes: text(20).optional(),
  idlePolicy: text(20),
  manualTime: text(20),
  excludedApps: lines,
  excludedDomains: lines,
  excludedTitleKeywords: lines,
});
type TrackingForm = z.infer<typeof TrackingForm>;

/** An empty box is not zero: it stays NaN so the schema reports it instead of saving 0. */
const toNumber = (s: string) => (s.trim() === "" ? Number.NaN : Number(s.trim()));

/** Minutes as typed (decimals allowed) to whole seconds; NaN stays NaN for the schema to report. */
const minutesToSeconds = (s: string) => {
  const minutes = toNumber(s);
  return Number.isFinite(minutes) ? Math.round(minutes * 60) : Number.NaN;
};

function toPatch(f: TrackingForm) {
  return {
    screenshotsPerSlot: toNumber(f.screenshotsPerSlot),
    screenshotBlur: f.screenshotBlur,
    screenshotDeletion: f.memberMayDelete ? "allowed" : "forbidden",
    screenshotRetentionDays: toNumber(f.screenshotRetentionDays),
    trackApps: f.trackApps,
    trackUrls: f.trackUrls,
    captureTitles: f.captureTitles,
    idleThresholdSeconds: minutesToSeconds(f.idleThresholdMinutes),
    offlineAfterSeconds: f.offlineAfterMinutes === undefined ? undefined : minutesToSeconds(f.offlineAfterMinutes),
    idlePolicy: f.idlePolicy,
    manualTime: f.manualTime,
    exclusions: { apps: f.excludedApps, domains: f.excludedDomains, titleKeywords: f.excludedTitleKeywords },
  };
}

const L = TRACKING_LIMITS;
/** The form field and the message for each patch field whose every error reads the same. */
const SCALAR_ERRORS: Record<string, { field: string; message: string }> = {
  screenshotsPerSlot: { field: "screenshotsPerSlot", message: `Choose between ${L.screenshotsPerSlot.min} and ${L.screenshotsPerSlot.max} screenshots.` },
  screenshotRetentionDays: { field: "screenshotRetentionDays", message: `Enter a whole number of days from ${L.screenshotRetentionDays.min} to ${L.screenshotRetentionDays.max}.` },
  idleThresholdSeconds: { field: "idleThresholdMinutes", message: `Enter a number of minutes from ${L.idleThresholdMinutes.min} to ${L.idleThresholdMinutes.max}.` },
  offlineAfterSeconds: { field: "offlineAfterMinutes", message: `Enter a number of minutes from ${L.offlineAfterMinutes.min} to ${L.offlineAfterMinutes.max}.` },
  idlePolicy: { field: "idlePolicy", message: "Choose one of the listed options." },
  manualTime: { field: "manualTime", message: "Choose one of the listed options." },
  screenshotDeletion: { field: "memberMayDelete", message: "Invalid choice." },
};
const LIST_FIELDS = { apps: "excludedApps", domains: "excludedDomains", titleKeywords: "excludedTitleKeywords" } as const;

type Issue = z.core.$ZodIssue;

/** One patch-schema issue as an error on the form field it came from; list entries are quoted. */
function toFormError(issue: Issue, patch: ReturnType<typeof toPatch>): FieldError {
  const [head, list, index] = issue.path;
  if (typeof head === "string" && SCALAR_ERRORS[head]) return { ...SCALAR_ERRORS[head], code: issue.code };
  if (head === "exclusions" && (list === "apps" || list === "domains" || list === "titleKeywords")) {
    const entry = typeof index === "number" ? patch.exclusions[list][index] : undefined;
    return { field: LIST_FIELDS[list], code: issue.code, message: entry === undefined ? issue.message : `"${entry}": ${issue.message}` };
  }
  return zodFieldErrors([issue])[0]!;
}

/** The posted tracking form as a TrackingSettingsPatch, or a 422 naming the form's fields. */
export async function readTrackingSettingsForm(request: Request): Promise<TrackingSettingsPatch> {
  const form = await readForm(request, TrackingForm);
  const patch = toPatch(form);
  const parsed = TrackingSettingsPatch.safeParse(patch);
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => toFormError(i, patch)), "Please correct the highlighted fields.");
  return parsed.data;
}

export const RuleForm = z.object({
  match: text(20),
  pattern: text(1000),
  category: text(20),
  teamId: text(64).optional(),
  projectId: text(64).optional(),
  priority: text(20).optional(),
});

/** The posted rule form as a RuleInput: an empty select means "none", an empty priority the default. */
export function ruleInputFromForm(f: z.infer<typeof RuleForm>): RuleInput {
  const priority = (f.priority ?? "").trim();
  const parsed = RuleInput.safeParse({
    match: f.match,
    pattern: f.pattern,
    category: f.category,
    teamId: f.teamId ? f.teamId : null,
    projectId: f.projectId ? f.projectId : null,
    ...(priority === "" ? {} : { priority: Number(priority) }),
  });
  if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error.issues), "Please correct the highlighted fields.");
  return parsed.data;
}
