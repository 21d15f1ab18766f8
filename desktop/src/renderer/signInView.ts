/**
 * Sign in: a one-time code from the web app (Devices → Connect the desktop app), or email,
 * password (+ authenticator or recovery code) and workspace id. Main validates the fields again.
 */
import type { SignIn, ViewSnapshot } from "../preload/api";
import { api, unwrap } from "./bridge";
import { busy, h } from "./dom";

export class SignInView {
  readonly el: HTMLElement;
  private mode: "code" | "password" = "code";
  private readonly server = h("input", { type: "url", required: true, placeholder: "https://worktrail.example.com", autocomplete: "url" });
  private readonly code = h("input", { type: "text", autocomplete: "one-time-code", spellcheck: "false", maxlength: 16, placeholder: "ABCD2345" });
  private readonly email = h("input", { type: "email", autocomplete: "username" });
  private readonly password = h("input", { type: "password", autocomplete: "current-password" });
  private readonly totp = h("input", { type: "text", autocomplete: "one-time-code", inputmode: "numeric", maxlength: 32 });
  private readonly workspace = h("input", { type: "text", spellcheck: "false", placeholder: "Workspace id (from the web app's URL)" });
  private readonly codeFields: HTMLElement;
  private readonly passwordFields: HTMLElement;
  private readonly submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  private readonly toggle = h("button", { type: "button", class: "link" });

  constructor(private readonly onError: (message: string) => void) {
    this.codeFields = h("div", {}, h("label", {}, "One-time code", this.code), h("p", { class: "hint" }, "In the web app: Devices → Connect the desktop app."));
    this.passwordFields = h(
      "div",
      {},
      h("label", {}, "Email", this.email),
      h("label", {}, "Password", this.password),
      h("label", {}, "Two-factor code (if you use one)", this.totp),
      h("label", {}, "Workspace id", this.workspace),
    );
    this.toggle.addEventListener("click", () => this.setMode(this.mode === "code" ? "password" : "code"));
    const form = h("form", { class: "card" }, h("h2", {}, "Sign in to Worktrail"), h("label", {}, "Server", this.server), this.codeFields, this.passwordFields, this.submit, this.toggle);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void busy(this.submit, async () => {
        await unwrap(api.signIn(this.input()));
        // Secrets do not stay in the page once they have served.
        this.password.value = "";
        this.totp.value = "";
        this.code.value = "";
      }, this.onError);
    });
    this.el = h("section", { class: "view" }, form);
    this.setMode("code");
  }

  update(s: ViewSnapshot): void {
    if (this.server.value === "" && s.settings.lastServer) this.server.value = s.settings.lastServer;
  }

  private setMode(mode: "code" | "password"): void {
    this.mode = mode;
    this.codeFields.hidden = mode !== "code";
    this.passwordFields.hidden = mode !== "password";
    this.toggle.textContent = mode === "code" ? "Sign in with email and password instead" : "Sign in with a one-time code instead";
  }

  private input(): SignIn {
    const server = this.server.value.trim();
    if (this.mode === "code") return { server, code: this.code.value.trim() };
    const totpCode = this.totp.value.trim();
    return {
      server,
      email: this.email.value.trim(),
      password: this.password.value,
      workspaceId: this.workspace.value.trim(),
      ...(totpCode ? { totpCode } : {}),
    };
  }
}
