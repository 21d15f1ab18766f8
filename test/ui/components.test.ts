/** The design-system primitives render the accessible markup pages rely on. */
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Alert, Badge, CheckboxField, DataTable, Field, FormError, RoleBadge, SelectField, TextAreaField } from "../../web/app/components/ui";
import { fieldError } from "../../web/app/lib/forms";
import { isRole, roleOptions } from "../../web/app/lib/roles";

const render = (el: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(el);

describe("UI components", () => {
  it("Field ties label, hint and error to the input and marks it invalid", () => {
    const ok = render(h(Field, { label: "Email", name: "email", type: "email", hint: "Work address", required: true }));
    expect(ok).toContain('<label for="field-email" class="field-label">Email</label>');
    expect(ok).toMatch(/<input[^>]*required=""[^>]*id="field-email"[^>]*name="email"[^>]*type="email"/);
    expect(ok).toContain('aria-describedby="field-email-hint"');
    expect(ok).not.toContain("aria-invalid");

    const bad = render(h(Field, { label: "Email", name: "email", hint: "Work address", error: "Enter a valid email address." }));
    expect(bad).toContain('aria-invalid="true"');
    expect(bad).toContain('aria-describedby="field-email-hint field-email-error"');
    expect(bad).toContain('<p id="field-email-error" class="field-error">Enter a valid email address.</p>');
  });

  it("an explicit id wins, so two forms on a page can share a field name", () => {
    const html = render(h(Field, { label: "Name", name: "name", id: "rename-42" }));
    expect(html).toContain('for="rename-42"');
    expect(html).toContain('id="rename-42"');
  });

  it("SelectField, TextAreaField and CheckboxField label their controls", () => {
    const sel = render(h(SelectField, { label: "Role", name: "role", options: roleOptions(["employee", "owner"]), placeholder: "Pick one", defaultValue: "employee" }));
    expect(sel).toContain('<label for="field-role" class="field-label">Role</label>');
    // Options keep the display order of the roles, and the placeholder comes first.
    expect(sel).toMatch(/<option value="">Pick one<\/option><option value="owner">Owner<\/option><option value="employee" selected="">Employee<\/option>/);
    const ta = render(h(TextAreaField, { label: "Note", name: "note", error: "Too long." }));
    expect(ta).toMatch(/<textarea[^>]*aria-invalid="true"/);
    const cb = render(h(CheckboxField, { label: "Require 2FA", name: "require2fa", defaultChecked: true }));
    expect(cb).toMatch(/<input[^>]*id="field-require2fa"[^>]*type="checkbox"/);
    expect(cb).toContain('<label for="field-require2fa" class="check-label">Require 2FA</label>');
  });

  it("Alert uses role=alert for errors and role=status otherwise; FormError shows the detail only", () => {
    expect(render(h(Alert, { tone: "danger", title: "No" }))).toContain('role="alert"');
    expect(render(h(Alert, { tone: "success", title: "Saved" }))).toContain('role="status"');
    expect(render(h(FormError, { error: null }))).toBe("");
    const fe = render(h(FormError, { error: { detail: "Please correct the highlighted fields.", errors: [{ field: "name", message: "Required." }] } }));
    expect(fe).toContain("Please correct the highlighted fields.");
    expect(fe).not.toContain("Required.");
  });

  it("DataTable renders headers and cells, or the empty state", () => {
    const rows = [{ id: "a", name: "Alpha", hours: 3 }, { id: "b", name: "Beta", hours: 12 }];
    const html = render(h(DataTable<(typeof rows)[number]>, {
      caption: "Projects",
      columns: [{ key: "name", header: "Name" }, { key: "hours", header: "Hours", className: "num", render: (r) => `${r.hours} h` }],
      rows,
    }));
    expect(html).toContain('<caption class="sr-only">Projects</caption>');
    expect(html).toContain('<th scope="col" class="num">Hours</th>');
    expect(html).toContain("<td>Alpha</td>");
    expect(html).toContain('<td class="num">12 h</td>');
    const empty = render(h(DataTable<{ id: string }>, { columns: [{ key: "id", header: "Id" }], rows: [], empty: "No projects yet" }));
    expect(empty).not.toContain("<table");
    expect(empty).toContain("No projects yet");
  });

  it("RoleBadge and Badge use human labels and tone classes", () => {
    expect(render(h(RoleBadge, { role: "team_manager" }))).toContain(">Team manager<");
    expect(render(h(RoleBadge, { role: "project_viewer" }))).toContain(">Project viewer<");
    expect(render(h(Badge, { tone: "warning", children: "Pending" }))).toContain('class="badge badge-warning"');
  });

  it("fieldError and isRole read untrusted shapes safely", () => {
    expect(fieldError({ errors: [{ field: "name", message: "Required." }] }, "name")).toBe("Required.");
    expect(fieldError({ errors: [{ field: "name", message: "Required." }] }, "email")).toBeUndefined();
    expect(fieldError(undefined, "name")).toBeUndefined();
    expect(isRole("owner")).toBe(true);
    expect(isRole("admin")).toBe(false);
    expect(isRole(3)).toBe(false);
  });
});
