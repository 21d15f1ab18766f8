import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { sessions } from "../../worker/db/schema";
import { ACCESS_COOKIE, CHALLENGE_COOKIE, REFRESH_COOKIE } from "../../worker/http/cookies";
import { Browser, ORIGIN } from "../helpers/http";
import { PASSWORD } from "../helpers/factory";
import { cspSafe } from "../ui/session";
import { db, enable2fa, linkToken, login, signUpConfirmed, totp, uniqueEmail, userByEmail } from "./helpers";

const cookieAttrs = (setCookies: string[], name: string) => setCookies.find((c) => c.startsWith(`${name}=`)) ?? "";

async function signInBrowser(email: string, password = PASSWORD, next?: string) {
  const b = new Browser();
  const res = await b.fetch("/login", { method: "POST", form: { email, password, ...(next !== undefined ? { next } : {}) } });
  return { b, res };
}

describe("web sign-in", () => {
  it("renders an accessible form that needs no inline styles or scripts", async () => {
    const res = await SELF.fetch(`${ORIGIN}/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<form method="post"/);
    expect(html).toMatch(/<label for="field-email"/);
    expect(html).toMatch(/<label for="field-password"/);
    const csp = cspSafe(html, res.headers.get("content-security-policy"));
    expect(csp.inlineStyles).toBe(0);
    expect(csp.scriptsWithoutNonce).toBe(0);
  });

  it("signs in through the form with __Host- cookies (HttpOnly; Secure; SameSite=Lax) and follows a safe `next`", async () => {
    const { email, userId } = await signUpConfirmed();
    const { b, res } = await signInBrowser(email, PASSWORD, "/account?tab=1");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/account?tab=1");
    const set = res.headers.getSetCookie();
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) {
      const c = cookieAttrs(set, name);
      expect(c).toMatch(/^__Host-/);
      expect(c).toContain("HttpOnly");
      expect(c).toContain("Secure");
      expect(c).toContain("SameSite=Lax");
      expect(c).toContain("Path=/");
      expect(c).not.toMatch(/Domain=/i);
    }
    const [s] = await db().select().from(sessions).where(eq(sessions.userId, userId));
    expect(s!.kind).toBe("browser");
    const account = await b.fetch("/account");
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(email);
  });

  it.each(["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])("ignores an unsafe next=%s", async (next) => {
    const { email } = await signUpConfirmed();
    const { res } = await signInBrowser(email, PASSWORD, next);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
  });

  it("shows the error and sets no cookie for a wrong password", async () => {
    const { email } = await signUpConfirmed();
    const { res } = await signInBrowser(email, "wrong password entirely");
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith(ACCESS_COOKIE))).toHaveLength(0);
    expect(await res.text()).toContain("Email or password is incorrect.");
  });

  it("takes a two-factor account through /login/2fa with a challenge cookie", async () => {
    const { email } = await signUpConfirmed();
    const { secret } = await enable2fa((await login(email)).body.accessToken);
    const { b, res } = await signInBrowser(email, PASSWORD, "/account");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login/2fa?next=%2Faccount");
    const challenge = cookieAttrs(res.headers.getSetCookie(), CHALLENGE_COOKIE);
    expect(challenge).toContain("HttpOnly");
    expect(challenge).toMatch(/Max-Age=300/);
    expect(b.cookies.has(ACCESS_COOKIE)).toBe(false);

    const page = await b.fetch("/login/2fa?next=%2Faccount");
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<label for="field-code"/);

    const wrong = await b.fetch("/login/2fa", { method: "POST", form: { code: totp(secret, 6), next: "/account" } });
    expect(wrong.status).toBe(401);
    expect(b.cookies.has(ACCESS_COOKIE)).toBe(false);

    const ok = await b.fetch("/login/2fa", { method: "POST", form: { code: totp(secret, 1), next: "/account" } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/account");
    expect(b.cookies.has(ACCESS_COOKIE)).toBe(true);
    expect(b.cookies.has(CHALLENGE_COOKIE)).toBe(false);
  });

  it("sends /login/2fa without a challenge back to /login", async () => {
    const res = await new Browser().fetch("/login/2fa");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("web CSRF and sign-out", () => {
  it("refuses a cross-origin POST that carries the session cookies, and the session survives", async () => {
    const { email } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    for (const path of ["/logout", "/api/v1/auth/logout", "/account/security"]) {
      const res = await SELF.fetch(`${ORIGIN}${path}`, {
        method: "POST",
        headers: { cookie: b.cookieHeader(), origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
        body: "intent=password&currentPassword=x&newPassword=y",
        redirect: "manual",
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe("csrf_failed");
    }
    expect((await b.fetch("/account")).status).toBe(200);
  });

  it("signs out with a POST to /logout: session revoked, cookies cleared", async () => {
    const { email, userId } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    const stolen = b.cookieHeader();
    const res = await b.fetch("/logout", { method: "POST", form: {} });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    expect(b.cookies.has(ACCESS_COOKIE)).toBe(false);
    const [s] = await db().select().from(sessions).where(eq(sessions.userId, userId));
    expect(s!.revokedAt).not.toBeNull();
    // A copy of the old cookies no longer works either.
    const replay = await SELF.fetch(`${ORIGIN}/account`, { headers: { cookie: stolen }, redirect: "manual" });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toBe("/login?next=%2Faccount");
  });

  it("does not sign out on a GET", async () => {
    const { email } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    expect((await b.fetch("/logout")).status).toBe(302);
    expect((await b.fetch("/account")).status).toBe(200);
  });
});

describe("web account flows", () => {
  it("signs up, confirms through the mailed link page, and shows the outbox in test", async () => {
    const email = uniqueEmail("web");
    const b = new Browser();
    const res = await b.fetch("/signup", { method: "POST", form: { email, name: "Web Person", password: PASSWORD, timeZone: "Europe/Paris" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Check your inbox");
    expect((await userByEmail(email))!.timeZone).toBe("Europe/Paris");

    const outbox = await b.fetch("/dev/mail");
    expect(outbox.status).toBe(200);
    const html = await outbox.text();
    const token = await linkToken(email, "/confirm");
    expect(html).toContain(`href="http://localhost/confirm?token=${token}"`);

    const confirmed = await b.fetch(`/confirm?token=${token}`);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Email confirmed");
    expect((await userByEmail(email))!.emailVerifiedAt).not.toBeNull();
    expect(await (await b.fetch(`/confirm?token=${token}`)).text()).toContain("This link doesn");
  });

  it("shows field errors on sign-up for a weak password", async () => {
    const email = uniqueEmail("weak");
    const res = await new Browser().fetch("/signup", { method: "POST", form: { email, name: "W", password: "password1" } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Use at least 10 characters.");
    expect(await userByEmail(email)).toBeUndefined();
  });

  it("resets a password through the pages and signs every session out", async () => {
    const { email } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    expect((await new Browser().fetch("/forgot-password", { method: "POST", form: { email } })).status).toBe(200);
    const token = await linkToken(email, "/reset-password");
    const page = await b.fetch(`/reset-password?token=${token}`);
    expect(await page.text()).toMatch(/<label for="field-password"/);
    const done = await b.fetch(`/reset-password?token=${token}`, { method: "POST", form: { token, password: "the new pass phrase 77" } });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login?reset=1");
    expect((await login(email, "the new pass phrase 77")).status).toBe(200);
    expect((await b.fetch("/account")).status).toBe(302);
  });

  it("sets up two-factor on the security page with a QR image and shows recovery codes once", async () => {
    const { email } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    const setup = await b.fetch("/account/security", { method: "POST", form: { intent: "setup" } });
    expect(setup.status).toBe(200);
    const html = await setup.text();
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
    expect(html).not.toMatch(/<svg[^>]*style=/);
    expect(cspSafe(html, setup.headers.get("content-security-policy")).inlineStyles).toBe(0);
    const secret = (await userByEmail(email))!.totpSecret!;

    const enabled = await b.fetch("/account/security", { method: "POST", form: { intent: "enable", code: totp(secret) } });
    expect(enabled.status).toBe(200);
    const codes = [...(await enabled.text()).matchAll(/<li>([0-9a-z]{5}-[0-9a-z]{5})<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(await (await b.fetch("/account/security")).text()).not.toContain(codes[0]!);
  });

  it("tells a member why they are sent to the security page", async () => {
    const { email } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    expect(await (await b.fetch("/account/security?required=1")).text()).toContain("Your workspace requires two-factor authentication");
  });

  it("revokes another session from the security page", async () => {
    const { email, userId } = await signUpConfirmed();
    const { b } = await signInBrowser(email);
    const other = (await login(email)).body;
    const res = await b.fetch("/account/security", { method: "POST", form: { intent: "revoke", sessionId: other.sessionId } });
    expect(res.status).toBe(200);
    const [s] = await db().select().from(sessions).where(eq(sessions.id, other.sessionId));
    expect(s!.revokedAt).not.toBeNull();
    expect(s!.userId).toBe(userId);
    expect((await b.fetch("/account")).status).toBe(200);
  });

  it("requires a session for account pages", async () => {
    const res = await new Browser().fetch("/account/security");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Faccount%2Fsecurity");
  });
});
