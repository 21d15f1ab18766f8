/**
 * Every payload the renderer can send, as zod schemas: main parses each one before the agent sees
 * it (DESIGN.md: every input is parsed at the edge, IPC included). The renderer is sandboxed and
 * loads only our files, but a compromised renderer is exactly what this boundary is for.
 * Electron-free, so desktop/test/ipc.test.ts runs it in Node.
 */
import { z } from "zod";
import type { IdleDecision, SignIn, StartOptions } from "../core/facade";
import { INVOKE, type InvokeChannel } from "./ipcChannels";

/** Project, task and screenshot ids are lower-case UUIDs (the agent's own are UUIDv7). */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const Id = z.string().regex(UUID_RE, "A lower-case UUID.");

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The server to sign in to, reduced to its origin. https only (TLS everywhere), except plain http
 * on this machine for a local `npm start`. No credentials, query or fragment in the URL.
 */
export const ServerUrl = z.string().trim().min(1).max(2048).transform((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: "custom", message: "Enter the server's address, such as https://worktrail.example.com." });
    return z.NEVER;
  }
  const local = u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname);
  if (u.protocol !== "https:" && !local) {
    ctx.addIssue({ code: "custom", message: "The address must start with https:// (http:// only for localhost)." });
    return z.NEVER;
  }
  if (u.username || u.password || u.search || u.hash || (u.pathname !== "/" && u.pathname !== "")) {
    ctx.addIssue({ code: "custom", message: "Enter only the server's address, without a path, query or credentials." });
    return z.NEVER;
  }
  return u.origin;
});

/** Same bounds as POST /api/v1/agent/register (worker/routes/agent.ts). */
const CodeSignIn = z.strictObject({
  server: ServerUrl,
  code: z.string().trim().min(8, "The code has 8 characters.").max(16),
});
const PasswordSignIn = z.strictObject({
  server: ServerUrl,
  email: z.string().trim().toLowerCase().max(254).email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(1024),
  totpCode: z.string().trim().min(6).max(32).optional(),
  workspaceId: Id,
});
export const SignInInput = z.union([CodeSignIn, PasswordSignIn]) satisfies z.ZodType<SignIn>;

export const StartInput = z.strictObject({
  projectId: Id.nullable(),
  taskId: Id.nullable(),
  note: z.string().max(2000),
}).refine((v) => v.taskId === null || v.projectId !== null, { message: "A task needs its project.", path: ["taskId"] }) satisfies z.ZodType<StartOptions>;

export const IdleDecisionInput = z.discriminatedUnion("decision", [
  z.strictObject({ decision: z.literal("keep") }),
  z.strictObject({ decision: z.literal("discard") }),
  z.strictObject({ decision: z.literal("reassign"), projectId: Id, taskId: Id.nullable() }),
]) satisfies z.ZodType<IdleDecision>;

export const ResolveIdleInput = z.strictObject({ id: Id, decision: IdleDecisionInput });
export const DeleteScreenshotInput = z.strictObject({ shotId: Id });
export const SetAutoLaunchInput = z.strictObject({ enabled: z.boolean() });
/** Channels that carry nothing: anything sent along is refused, not ignored. */
export const NoInput = z.undefined();

/** The schema of each channel's payload: ipc.ts registers a handler per entry, typed by it. */
export const IPC_INPUTS = {
  [INVOKE.snapshot]: NoInput,
  [INVOKE.recent]: NoInput,
  [INVOKE.signIn]: SignInInput,
  [INVOKE.signOut]: NoInput,
  [INVOKE.start]: StartInput,
  [INVOKE.stop]: NoInput,
  [INVOKE.resolveIdle]: ResolveIdleInput,
  [INVOKE.deleteScreenshot]: DeleteScreenshotInput,
  [INVOKE.setAutoLaunch]: SetAutoLaunchInput,
} as const satisfies Record<InvokeChannel, z.ZodType>;

export type IpcInput<C extends InvokeChannel> = z.output<(typeof IPC_INPUTS)[C]>;
