import { describe, expect, it } from "vitest";
import { classify, type ClassificationRule } from "../../worker/contract/classify";

const rules: ClassificationRule[] = [
  // A team override comes first in evaluation order and wins over the workspace rule below.
  { match: "domain", pattern: "youtube.com", category: "productive", projectId: "p-video" },
  { match: "domain", pattern: "youtube.com", category: "unproductive", projectId: null },
  { match: "app", pattern: "Code", category: "productive", projectId: null },
  { match: "title", pattern: "ACME CRM", category: "productive", projectId: "p-acme" },
];

describe("classify", () => {
  it("uses the first matching rule: app exact, domain with subdomains, title substring, all case-insensitive", () => {
    expect(classify(rules, { app: "Firefox", url: "https://m.YouTube.com/watch" })).toEqual({ category: "productive", projectId: "p-video" });
    expect(classify(rules.slice(1), { app: "Firefox", url: "https://www.youtube.com/" })).toEqual({ category: "unproductive", projectId: null });
    expect(classify(rules, { app: "code" }).category).toBe("productive");
    expect(classify(rules, { app: "Code - Insiders" }).category).toBe("neutral");
    expect(classify(rules, { app: "Chrome", title: "Deals — acme crm — Chrome" })).toEqual({ category: "productive", projectId: "p-acme" });
  });

  it("does not match look-alike hosts or unparsable URLs", () => {
    expect(classify(rules, { app: "Firefox", url: "https://notyoutube.com/" }).category).toBe("neutral");
    expect(classify(rules, { app: "Firefox", url: "https://youtube.com.evil.example/" }).category).toBe("neutral");
    expect(classify(rules, { app: "Firefox", url: "not a url" }).category).toBe("neutral");
    expect(classify([], { app: "Anything" })).toEqual({ category: "neutral", projectId: null });
  });
});
