/**
 * The editable tracking settings (owners, executive managers): one form, grouped by topic, each
 * setting explained in one plain line. Posts every field, so an unchecked box means "off".
 */
import { Form } from "@remix-run/react";
import type { TrackingSettings } from "../../../../worker/services/tracking/settings";
import type { ErrorsLike } from "../../lib/forms";
import { Button, CheckboxField, Field, Inline, SelectField, TextAreaField, fieldError } from "../ui";
import { IDLE_POLICY_LABELS, MANUAL_TIME_LABELS, options, secondsToMinutes } from "./trackingLabels";

type Range = { min: number; max: number };

export interface TrackingLimits {
  screenshotsPerSlot: Range;
  screenshotRetentionDays: Range;
  idleThresholdMinutes: Range;
  offlineAfterMinutes: Range;
}

export interface TrackingSettingsFormProps {
  settings: Omit<TrackingSettings, "updatedAt">;
  limits: TrackingLimits;
  error?: ErrorsLike;
  submitting: boolean;
}

const perSlotOptions = (r: Range) =>
  Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i).map((n) => ({ value: String(n), label: n === 0 ? "0 (no screenshots)" : String(n) }));

export function TrackingSettingsForm({ settings: s, limits, error, submitting }: TrackingSettingsFormProps) {
  const e = (field: string) => fieldError(error, field);
  return (
    // Remounts after a save (new version), so the fields show what was stored.
    <Form method="post" key={s.version} className="stack gap-3">
      <fieldset className="settings-group">
        <legend className="settings-legend">Screenshots</legend>
        <SelectField label="Screenshots per 10 minutes" name="screenshotsPerSlot" defaultValue={String(s.screenshotsPerSlot)}
          options={perSlotOptions(limits.screenshotsPerSlot)} error={e("screenshotsPerSlot")}
          hint="Taken at random moments in each 10 minutes of tracked time; 0 turns screenshots off." />
        <CheckboxField label="Blur screenshots" name="screenshotBlur" defaultChecked={s.screenshotBlur} error={e("screenshotBlur")}
          hint="Blurred on the member's computer before upload, so text on screen cannot be read." />
        <CheckboxField label="Members may delete their own screenshots" name="memberMayDelete" defaultChecked={s.screenshotDeletion === "allowed"}
          error={e("memberMayDelete")} hint="Deleting a screenshot also removes the 10 minutes of time it belongs to." />
        <Field label="Keep screenshots for (days)" name="screenshotRetentionDays" type="number" inputMode="numeric" required
          min={limits.screenshotRetentionDays.min} max={limits.screenshotRetentionDays.max} step={1}
          defaultValue={s.screenshotRetentionDays} error={e("screenshotRetentionDays")}
          hint="Older screenshots are deleted for good, every night." />
      </fieldset>

      <fieldset className="settings-group">
        <legend className="settings-legend">Apps and websites</legend>
        <CheckboxField label="Record apps" name="trackApps" defaultChecked={s.trackApps} error={e("trackApps")}
          hint="The name of the app in use (such as Figma or Slack) and for how long." />
        <CheckboxField label="Record websites" name="trackUrls" defaultChecked={s.trackUrls} error={e("trackUrls")}
          hint="The site and page visited, never the part of the address after ? or # (where searches and tokens live)." />
        <CheckboxField label="Record window titles" name="captureTitles" defaultChecked={s.captureTitles} error={e("captureTitles")}
          hint="The title of the window in use, such as a document's name. Off: only the app name is kept." />
      </fieldset>

      <fieldset className="settings-group">
        <legend className="settings-legend">Idle and manual time</legend>
        <Field label="Idle after (minutes)" name="idleThresholdMinutes" type="number" inputMode="decimal" required step="any"
          min={limits.idleThresholdMinutes.min} max={limits.idleThresholdMinutes.max}
          defaultValue={secondsToMinutes(s.idleThresholdSeconds)} error={e("idleThresholdMinutes")}
          hint="Time without any keyboard or mouse use after which the time counts as idle." />
        <SelectField label="What happens to idle time" name="idlePolicy" defaultValue={s.idlePolicy} options={options(IDLE_POLICY_LABELS)}
          error={e("idlePolicy")} hint="Every decision about idle time is written to the audit log." />
        <SelectField label="Time added by hand" name="manualTime" defaultValue={s.manualTime} options={options(MANUAL_TIME_LABELS)}
          error={e("manualTime")} hint="For work away from the computer; members always give a reason." />
      </fieldset>

      <fieldset className="settings-group">
        <legend className="settings-legend">Live board</legend>
        <Field label="Offline after (minutes)" name="offlineAfterMinutes" type="number" inputMode="decimal" required step="any"
          min={limits.offlineAfterMinutes.min} max={limits.offlineAfterMinutes.max}
          defaultValue={secondsToMinutes(s.offlineAfterSeconds)} error={e("offlineAfterMinutes")}
          hint="How long the desktop app may go unheard (asleep, shut down, no network) before the member shows as offline." />
      </fieldset>

      <fieldset className="settings-group">
        <legend className="settings-legend">Never recorded</legend>
        <TextAreaField label="Apps" name="excludedApps" defaultValue={s.exclusions.apps.join("\n")} error={e("excludedApps")} optional
          hint="One app name per line. Nothing is recorded while they are in use, not even a screenshot." />
        <TextAreaField label="Websites" name="excludedDomains" defaultValue={s.exclusions.domains.join("\n")} error={e("excludedDomains")} optional
          hint="One site per line, such as bank.example.com; its subdomains are excluded too." />
        <TextAreaField label="Window title keywords" name="excludedTitleKeywords" defaultValue={s.exclusions.titleKeywords.join("\n")}
          error={e("excludedTitleKeywords")} optional hint="One word or phrase per line; windows whose title contains it are never recorded." />
      </fieldset>

      <Inline end>
        <Button type="submit" variant="primary" disabled={submitting}>Save tracking settings</Button>
      </Inline>
    </Form>
  );
}
