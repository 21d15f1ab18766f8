import { describe, expect, it, vi } from "vitest";
import { INVOKE } from "../src/main/ipcChannels";
import { dispatch, isTrustedSender, type SenderFacts } from "../src/main/ipcDispatch";
import {
  DeleteScreenshotInput,
  IPC_INPUTS,
  NoInput,
  ResolveIdleInput,
  SetAutoLaunchInput,
  SignInInput,
  StartInput,
} from "../src/main/ipcSchemas";

const P = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const T = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";
const WS = "5f0c6d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";

describe("sign-in payload", () => {
  it("accepts a one-time code and reduces the server to its origin", () => {
    expect(SignInInput.parse({ server: " https://wt.example.com/ ", code: " ABCD2345 " })).toEqual({ server: "https://wt.example.com", code: "ABCD2345" });
  });

  it("accepts email and password with a workspace id, lower-casing the email", () => {
    const v = SignInInput.parse({ server: "https://wt.example.com", email: "Ada@Example.COM", password: "pw", totpCode: "123456", workspaceId: WS });
    expect(v).toEqual({ server: "https://wt.example.com", email: "ada@example.com", password: "pw", totpCode: "123456", workspaceId: WS });
  });

  it("allows plain http only for this machine", () => {
    expect(SignInInput.parse({ server: "http://localhost:8787", code: "ABCD2345" }).server).toBe("http://localhost:8787");
    expect(SignInInput.parse({ server: "http://127.0.0.1:8787", code: "ABCD2345" }).server).toBe("http://127.0.0.1:8787");
    for (const server of ["http://wt.example.com", "http://localhost.evil.com", "ftp://wt.example.com", "javascript:alert(1)", "file:///etc/passwd", "wt.example.com", ""]) {
      expect(SignInInput.safeParse({ server, code: "ABCD2345" }).success, server).toBe(false);
    }
  });

  it("refuses servers with credentials, a path, a query or a fragment", () => {
    for (const server of ["https://u:p@wt.example.com", "https://wt.example.com/api", "https://wt.example.com/?x=1", "https://wt.example.com/#a"]) {
      expect(SignInInput.safeParse({ server, code: "ABCD2345" }).success, server).toBe(false);
    }
  });

  it("refuses incomplete, mixed or oversized credentials and unknown keys", () => {
    const server = "https://wt.example.com";
    expect(SignInInput.safeParse({ server, code: "ABC" }).success).toBe(false);
    expect(SignInInput.safeParse({ server, code: "A".repeat(17) }).success).toBe(false);
    expect(SignInInput.safeParse({ server, email: "ada@example.com", password: "pw" }).success).toBe(false); // no workspace
    expect(SignInInput.safeParse({ server, email: "ada@example.com", password: "pw", workspaceId: "not-a-uuid" }).success).toBe(false);
    expect(SignInInput.safeParse({ server, email: "nope", password: "pw", workspaceId: WS }).success).toBe(false);
    expect(SignInInput.safeParse({ server, email: "ada@example.com", password: "x".repeat(1025), workspaceId: WS }).success).toBe(false);
    expect(SignInInput.safeParse({ server, code: "ABCD2345", email: "ada@example.com" }).success).toBe(false);
    expect(SignInInput.safeParse({ server, code: "ABCD2345", __proto__x: 1 }).success).toBe(false);
    expect(SignInInput.safeParse(null).success).toBe(false);
    expect(SignInInput.safeParse("https://wt.example.com").success).toBe(false);
  });
});

describe("start payload", () => {
  it("accepts no project (rules decide) and a project with a task", () => {
    expect(StartInput.parse({ projectId: null, taskId: null, note: "" })).toEqual({ projectId: null, taskId: null, note: "" });
    expect(StartInput.parse({ projectId: P, taskId: T, note: "review" })).toEqual({ projectId: P, taskId: T, note: "review" });
  });

  it("refuses a task without its project, bad ids, long notes and missing or extra fields", () => {
    expect(StartInput.safeParse({ projectId: null, taskId: T, note: "" }).success).toBe(false);
    expect(StartInput.safeParse({ projectId: P.toUpperCase(), taskId: null, note: "" }).success).toBe(false);
    expect(StartInput.safeParse({ projectId: "1; DROP TABLE", taskId: null, note: "" }).success).toBe(false);
    expect(StartInput.safeParse({ projectId: P, taskId: null, note: "x".repeat(2001) }).success).toBe(false);
    expect(StartInput.safeParse({ projectId: P, taskId: null }).success).toBe(false);
    expect(StartInput.safeParse({ projectId: P, taskId: null, note: "", billable: true }).success).toBe(false);
  });
});

describe("idle decision payload", () => {
  it("accepts keep, discard and reassign with a project", () => {
    for (const decision of [{ decision: "keep" }, { decision: "discard" }, { decision: "reassign", projectId: P, taskId: null }]) {
      expect(ResolveIdleInput.parse({ id: T, decision })).toEqual({ id: T, decision });
    }
  });

  it("refuses reassign without a project, unknown decisions and stray fields", () => {
    expect(ResolveIdleInput.safeParse({ id: T, decision: { decision: "reassign", taskId: null } }).success).toBe(false);
    expect(ResolveIdleInput.safeParse({ id: T, decision: { decision: "reassign", projectId: null, taskId: null } }).success).toBe(false);
    expect(ResolveIdleInput.safeParse({ id: T, decision: { decision: "ignore" } }).success).toBe(false);
    expect(ResolveIdleInput.safeParse({ id: T, decision: { decision: "keep", projectId: P } }).success).toBe(false);
    expect(ResolveIdleInput.safeParse({ id: "x", decision: { decision: "keep" } }).success).toBe(false);
  });
});

describe("other payloads", () => {
  it("validates screenshot deletion and the auto-launch switch strictly", () => {
    expect(DeleteScreenshotInput.parse({ shotId: T })).toEqual({ shotId: T });
    expect(DeleteScreenshotInput.safeParse({ shotId: "../../etc/passwd" }).success).toBe(false);
    expect(SetAutoLaunchInput.parse({ enabled: false })).toEqual({ enabled: false });
    expect(SetAutoLaunchInput.safeParse({ enabled: "true" }).success).toBe(false);
  });

  it("refuses anything sent on channels that carry nothing", () => {
    expect(NoInput.safeParse(undefined).success).toBe(true);
    expect(NoInput.safeParse({}).success).toBe(false);
    expect(NoInput.safeParse(null).success).toBe(false);
  });

  it("has a schema for every channel", () => {
    expect(Object.keys(IPC_INPUTS).sort()).toEqual(Object.values(INVOKE).sort());
  });
});

describe("sender check", () => {
  const trusted: SenderFacts = { senderId: 7, windowId: 7, frame: { url: "app://renderer/index.html", isTopFrame: true } };

  it("trusts only the top frame of our window showing the packaged page", () => {
    expect(isTrustedSender(trusted)).toBe(true);
    expect(isTrustedSender({ ...trusted, senderId: 8 })).toBe(false);
    expect(isTrustedSender({ ...trusted, windowId: null })).toBe(false);
    expect(isTrustedSender({ ...trusted, frame: null })).toBe(false);
    expect(isTrustedSender({ ...trusted, frame: { url: "app://renderer/index.html", isTopFrame: false } })).toBe(false);
    for (const url of ["file:///app/renderer/index.html", "https://renderer/index.html", "app://renderer.evil.com/", "app://evil/renderer", "app://x@renderer/", "about:blank", "not a url"]) {
      expect(isTrustedSender({ ...trusted, frame: { url, isTopFrame: true } }), url).toBe(false);
    }
  });
});

describe("dispatch", () => {
  const trusted: SenderFacts = { senderId: 1, windowId: 1, frame: { url: "app://renderer/index.html", isTopFrame: true } };

  it("hands the parsed value (not the raw payload) to the agent and wraps the answer", async () => {
    const fn = vi.fn(async (input: { server: string }) => input.server);
    const r = await dispatch(trusted, SignInInput, { server: "https://wt.example.com/", code: "ABCD2345" }, fn);
    expect(r).toEqual({ ok: true, value: "https://wt.example.com" });
    expect(fn).toHaveBeenCalledOnce();
  });

  it("never calls the agent for a foreign sender or an invalid payload", async () => {
    const fn = vi.fn(() => null);
    const foreign = await dispatch({ ...trusted, frame: { url: "https://evil.example", isTopFrame: true } }, NoInput, undefined, fn);
    expect(foreign).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const invalid = await dispatch(trusted, StartInput, { projectId: null, taskId: T, note: "" }, fn);
    expect(invalid).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(invalid.ok ? "" : invalid.error.message).toContain("A task needs its project.");
    expect(fn).not.toHaveBeenCalled();
  });

  it("turns the agent's failure into an answer instead of a rejection", async () => {
    const r = await dispatch(trusted, NoInput, undefined, async () => {
      throw new Error("not signed in");
    });
    expect(r).toEqual({ ok: false, error: { code: "failed", message: "not signed in" } });
  });
});
