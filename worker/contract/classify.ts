/**
 * Classification of app and site usage by workspace rules (issue 3): productive / neutral /
 * unproductive, and optionally a project to assign the time to. Pure and dependency-free, so the
 * server (reports, timesheets) and the desktop agent (automatic project assignment) decide alike.
 *
 * Rules arrive in evaluation order (team overrides first, then priority; see rulesForMember); the
 * first matching rule wins. Matching is case-insensitive: `app` compares the whole application
 * name, `domain` the URL's host or any subdomain of it, `title` a substring of the window title.
 */
export type Category = "productive" | "neutral" | "unproductive";

export interface ClassificationRule {
  match: "app" | "domain" | "title";
  pattern: string;
  category: Category;
  projectId: string | null;
}

export interface UsageFacts {
  app: string;
  title?: string | null;
  url?: string | null;
}

export interface Classification {
  category: Category;
  projectId: string | null;
}

export const UNCLASSIFIED: Classification = { category: "neutral", projectId: null };

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function ruleMatches(rule: ClassificationRule, usage: UsageFacts, host = hostOf(usage.url)): boolean {
  const pattern = rule.pattern.toLowerCase();
  switch (rule.match) {
    case "app": return usage.app.toLowerCase() === pattern;
    case "domain": return host !== null && (host === pattern || host.endsWith(`.${pattern}`));
    case "title": return (usage.title ?? "").toLowerCase().includes(pattern);
  }
}

export function classify(rules: readonly ClassificationRule[], usage: UsageFacts): Classification {
  const host = hostOf(usage.url);
  const rule = rules.find((r) => ruleMatches(r, usage, host));
  return rule ? { category: rule.category, projectId: rule.projectId } : UNCLASSIFIED;
}
