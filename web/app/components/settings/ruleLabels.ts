/** Plain-word names for classification rules, shared by the rules list and its form. */
import type { Rule } from "../../../../worker/services/tracking/rules";
import type { BadgeTone } from "../ui";

export const MATCH_LABELS: Record<Rule["match"], string> = {
  app: "App name",
  domain: "Website",
  title: "Window title contains",
};

export const CATEGORY_LABELS: Record<Rule["category"], string> = {
  productive: "Productive",
  neutral: "Neutral",
  unproductive: "Unproductive",
};

export const CATEGORY_TONES: Record<Rule["category"], BadgeTone> = {
  productive: "success",
  neutral: "neutral",
  unproductive: "danger",
};
