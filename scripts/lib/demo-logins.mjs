// Calls the dev-only seed endpoint of a running Worker and prints the demo logins as a table.
import { z } from "zod";

export const SEED_PATH = "/api/v1/dev/seed";

const SeedAnswer = z.object({
  created: z.boolean(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  password: z.string(),
  logins: z.array(z.object({ email: z.string(), name: z.string(), role: z.string() })),
});

/** POSTs the seed (idempotent on the server) and returns the parsed answer. */
export async function seedDemo(baseUrl) {
  const res = await fetch(`${baseUrl}${SEED_PATH}`, { method: "POST", signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status === 404) {
    throw new Error(`${SEED_PATH} answered 404: the Worker does not run with ENVIRONMENT="development" (check .dev.vars), or the dev routes are not mounted.`);
  }
  if (!res.ok) throw new Error(`${SEED_PATH} answered ${res.status}: ${text.slice(0, 500)}`);
  let body;
  try { body = JSON.parse(text); } catch { throw new Error(`${SEED_PATH} answered non-JSON: ${text.slice(0, 200)}`); }
  const parsed = SeedAnswer.safeParse(body);
  if (!parsed.success) throw new Error(`${SEED_PATH} answered an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}

const ROLE_LABELS = {
  owner: "Owner", executive: "Executive manager", team_manager: "Team manager",
  project_manager: "Project manager", employee: "Employee", project_viewer: "Project viewer",
};

export function formatLogins(seed, baseUrl) {
  const rows = seed.logins.map((l) => [ROLE_LABELS[l.role] ?? l.role, l.email, l.name]);
  const header = ["Role", "Email", "Name"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd();
  return [
    "",
    `Worktrail is running at ${baseUrl}`,
    `Demo workspace "${seed.workspace.name}" ${seed.created ? "created" : "already seeded"}: ${baseUrl}/w/${seed.workspace.id}`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `Password for every demo login: ${seed.password}`,
    `Outgoing mail (confirmations, invitations): ${baseUrl}/dev/mail`,
    `API reference: ${baseUrl}/api/docs`,
    "",
  ].join("\n");
}
