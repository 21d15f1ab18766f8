/**
 * Automatic project assignment from the workspace's rules (configured by an admin, fetched with the
 * settings) while the employee tracks without choosing a project. The rule decision reuses
 * `classify` (worker/contract/classify.ts), so the agent and the server's reports agree.
 *
 * Choices:
 * - Debounce: a different rule project must stay focused for RULE_DEBOUNCE_SECONDS (30 s) before the
 *   entry switches; a 2-second glance at another client's page, or alt-tabbing through windows,
 *   does not split entries. When it does switch, the switch is dated back to the second that
 *   project's window got focus, so those 30 s belong to the project they were spent on; an entry
 *   that is itself shorter than the debounce at that second is re-labelled rather than split.
 * - Sticky: a window no rule assigns to a project (or an excluded one, which is not looked at)
 *   leaves the current project as it is; only a rule naming a project moves the time.
 * - Titles are matched even where the workspace does not capture them: the rule is the admin's own
 *   configuration and only its outcome (a project id) is kept, never the title.
 */
import { classify, type ClassificationRule } from "../../../../worker/contract/classify";
import type { WindowInfo } from "../ports";

export const RULE_DEBOUNCE_SECONDS = 30;

/** The project the rules assign to a window, or null (no rule, or the rule has no project). */
/** Project ids are lower-case UUIDs (the time entry's contract); anything else is not followed. */
const PROJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function ruleProject(rules: readonly ClassificationRule[], window: Pick<WindowInfo, "app" | "title" | "url"> | null): string | null {
  if (!window) return null;
  const { projectId } = classify(rules, { app: window.app, title: window.title, url: window.url });
  return projectId !== null && PROJECT_ID.test(projectId) ? projectId : null;
}

export interface ProjectSwitch {
  projectId: string;
  /** The second from which the time belongs to `projectId`. */
  at: number;
}

export class AutoProject {
  private pending: { projectId: string; since: number } | null = null;

  constructor(private rules: readonly ClassificationRule[], private readonly debounceSeconds = RULE_DEBOUNCE_SECONDS) {}

  setRules(rules: readonly ClassificationRule[]) {
    this.rules = rules;
    this.pending = null;
  }

  /** Forget a half-observed switch (after idle, a stop, a manual project change). */
  reset() {
    this.pending = null;
  }

  /**
   * One observation of the focused (non-excluded) window at second `at` while the entry's project is
   * `current`. Returns the switch once the debounce has passed.
   */
  observe(current: string | null, window: Pick<WindowInfo, "app" | "title" | "url"> | null, at: number): ProjectSwitch | null {
    const candidate = ruleProject(this.rules, window);
    if (candidate === null || candidate === current) {
      this.pending = null;
      return null;
    }
    if (this.pending?.projectId !== candidate) {
      this.pending = { projectId: candidate, since: at };
      return null;
    }
    if (at - this.pending.since < this.debounceSeconds) return null;
    const decided = { projectId: candidate, at: this.pending.since };
    this.pending = null;
    return decided;
  }
}
