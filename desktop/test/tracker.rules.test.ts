import { describe, expect, it } from "vitest";
import type { ClassificationRule } from "../../worker/contract/classify";
import { AutoProject } from "../src/core/tracker/rules";
import { at, browser, expectConsistent, iso, P_A, P_B, Rig, TERMINAL } from "./trackerHarness";

const rules: ClassificationRule[] = [
  { match: "domain", pattern: "crm-a.example", category: "productive", projectId: P_A },
  { match: "app", pattern: "Figma", category: "productive", projectId: P_B },
  { match: "app", pattern: "Slack", category: "neutral", projectId: null },
  { match: "title", pattern: "invoice", category: "productive", projectId: P_B },
];
const CRM_A = browser("https://app.crm-a.example/deals/7", "Deal 7");
const FIGMA = { app: "figma", title: "Mockups", url: null, pid: 20 };
const SLACK = { app: "Slack", title: "#general", url: null, pid: 21 };

describe("tracker: rules assign the project", () => {
  it("follows the focused app's rule, ignores short glances and dates a switch back to the focus change", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { rules } });
    rig.window = CRM_A;
    await rig.signInAndStart(null);
    expect(rig.tracker.snapshot().running).toMatchObject({ projectId: P_A, auto: true });
    await rig.seconds(60);
    rig.window = FIGMA; // a 2-second glance
    await rig.seconds(2);
    rig.window = CRM_A;
    await rig.seconds(60);
    expect(rig.entries()).toHaveLength(1);

    rig.window = FIGMA; // first seen by the reading at 09:02:03
    await rig.seconds(45);
    rig.window = SLACK; // no project: the time stays where it is
    await rig.seconds(50);
    await rig.handle({ type: "stop" });
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([
      [iso(at(9, 0)), iso(at(9, 2, 3)), P_A],
      [iso(at(9, 2, 3)), iso(at(9, 3, 37)), P_B],
    ]);
    expectConsistent(rig);
  });

  it("does not override a project the employee chose", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { rules } });
    await rig.signInAndStart(P_A);
    rig.window = FIGMA;
    await rig.seconds(120);
    await rig.handle({ type: "stop" });
    expect(rig.entries().map((e) => e.projectId)).toEqual([P_A]);
  });

  it("re-labels an entry shorter than the debounce instead of leaving a stub", async () => {
    const rig = new Rig({ start: at(9, 0), settings: { rules } });
    rig.window = TERMINAL; // no rule: the entry starts without a project
    await rig.signInAndStart(null);
    await rig.seconds(5);
    rig.window = { app: "okular", title: "Invoice 2025-01", url: null, pid: 3 };
    await rig.seconds(40);
    await rig.handle({ type: "stop" });
    expect(rig.entries().map((e) => [e.start, e.end, e.projectId])).toEqual([[iso(at(9, 0)), iso(at(9, 0, 45)), P_B]]);
    // Sent first without a project, then re-labelled under the same id with a higher rev.
    const revisions = rig.items().filter((i) => i.kind === "time_entry");
    expect(revisions[0]).toMatchObject({ rev: 0, projectId: null });
    expect(new Set(revisions.map((r) => r.id)).size).toBe(1);
    expectConsistent(rig);
  });

  it("uses rules changed remotely without a restart", async () => {
    const rig = new Rig({ start: at(9, 0) });
    rig.window = FIGMA;
    await rig.signInAndStart(null);
    await rig.seconds(40);
    expect(rig.tracker.snapshot().running?.projectId).toBeNull();
    rig.tracker.updateSettings({ ...rig.tracker["settings"], rules });
    await rig.seconds(40);
    expect(rig.tracker.snapshot().running?.projectId).toBe(P_B);
  });

  it("AutoProject: switches only after the debounce, from the first second of the new focus", () => {
    const auto = new AutoProject(rules, 30);
    expect(auto.observe(P_A, FIGMA, 100)).toBeNull();
    expect(auto.observe(P_A, FIGMA, 129)).toBeNull();
    expect(auto.observe(P_A, FIGMA, 130)).toEqual({ projectId: P_B, at: 100 });
    expect(auto.observe(P_A, SLACK, 131)).toBeNull();
    expect(auto.observe(P_A, { app: "x", title: null, url: null }, 132)).toBeNull();
  });
});
