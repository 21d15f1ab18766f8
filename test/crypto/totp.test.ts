import { Secret } from "otpauth";
import { describe, expect, it } from "vitest";
import {
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  totpAt,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from "../../worker/crypto/totp";

const ascii = (s: string) => new TextEncoder().encode(s);

// RFC 6238 Appendix B. The seeds are ASCII digit strings of 20/32/64 bytes.
const SEEDS = {
  SHA1: ascii("12345678901234567890"),
  SHA256: ascii("12345678901234567890123456789012"),
  SHA512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
} as const;

const VECTORS: Array<[seconds: number, algorithm: keyof typeof SEEDS, code: string]> = [
  [59, "SHA1", "94287082"],
  [59, "SHA256", "46119246"],
  [59, "SHA512", "90693936"],
  [1111111109, "SHA1", "07081804"],
  [1111111109, "SHA256", "68084774"],
  [1111111109, "SHA512", "25091201"],
  [1111111111, "SHA1", "14050471"],
  [1111111111, "SHA256", "67062674"],
  [1111111111, "SHA512", "99943326"],
  [1234567890, "SHA1", "89005924"],
  [1234567890, "SHA256", "91819424"],
  [1234567890, "SHA512", "93441116"],
  [2000000000, "SHA1", "69279037"],
  [2000000000, "SHA256", "90698825"],
  [2000000000, "SHA512", "38618901"],
  [20000000000, "SHA1", "65353130"],
  [20000000000, "SHA256", "77737706"],
  [20000000000, "SHA512", "47863826"],
];

describe("totpAt: RFC 6238 Appendix B", () => {
  it("has all 18 vectors", () => expect(VECTORS).toHaveLength(18));

  it.each(VECTORS)("T=%i %s → %s", (seconds, algorithm, code) => {
    expect(totpAt({ secret: SEEDS[algorithm], time: seconds * 1000, digits: 8, algorithm })).toBe(code);
  });

  it("accepts the secret as base32 too", () => {
    const base32 = new Secret({ buffer: SEEDS.SHA1.slice().buffer }).base32;
    expect(totpAt({ secret: base32, time: 59_000, digits: 8 })).toBe("94287082");
    // Default is 6 digits: the last 6 of the 8-digit code.
    expect(totpAt({ secret: base32, time: 59_000 })).toBe("287082");
  });
});

describe("verifyTotp", () => {
  const secretBase32 = generateTotpSecret();
  const STEP = 30_000;
  // Middle of a step, so ±1 step stays in its own step regardless of rounding.
  const now = 1_700_000_000_000 - (1_700_000_000_000 % STEP) + 15_000;
  const step = now / STEP - 0.5;
  const codeAt = (offset: number) => totpAt({ secret: secretBase32, time: now + offset * STEP });

  it("generates a 20-byte base32 secret", () => {
    expect(secretBase32).toMatch(/^[A-Z2-7]{32}$/);
    expect(Secret.fromBase32(secretBase32).bytes).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secretBase32);
  });

  it("accepts the current code and returns its step", () => {
    expect(verifyTotp({ secretBase32, code: codeAt(0), now })).toEqual({ ok: true, step });
  });

  it("accepts ±1 step of clock skew", () => {
    expect(verifyTotp({ secretBase32, code: codeAt(-1), now })).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp({ secretBase32, code: codeAt(1), now })).toEqual({ ok: true, step: step + 1 });
  });

  it("rejects ±2 steps", () => {
    // Guard against the (1e-6) chance of a collision with a code inside the window.
    const inWindow = new Set([codeAt(-1), codeAt(0), codeAt(1)]);
    for (const offset of [-2, 2]) {
      const code = codeAt(offset);
      if (inWindow.has(code)) continue;
      expect(verifyTotp({ secretBase32, code, now })).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("honours a wider window when asked", () => {
    expect(verifyTotp({ secretBase32, code: codeAt(-2), now, window: 2 })).toEqual({ ok: true, step: step - 2 });
    expect(verifyTotp({ secretBase32, code: codeAt(0), now, window: 0 })).toEqual({ ok: true, step });
  });

  it("rejects reuse of the same step and of older steps", () => {
    const first = verifyTotp({ secretBase32, code: codeAt(0), now });
    expect(first.ok).toBe(true);
    const lastUsedStep = first.ok ? first.step : null;
    expect(verifyTotp({ secretBase32, code: codeAt(0), now, lastUsedStep })).toEqual({ ok: false, reason: "reused" });
    expect(verifyTotp({ secretBase32, code: codeAt(-1), now, lastUsedStep })).toEqual({ ok: false, reason: "reused" });
    // The next step's code is still good.
    expect(verifyTotp({ secretBase32, code: codeAt(1), now, lastUsedStep })).toEqual({ ok: true, step: step + 1 });
    // And null means "never used".
    expect(verifyTotp({ secretBase32, code: codeAt(0), now, lastUsedStep: null })).toEqual({ ok: true, step });
  });

  it("rejects anything but exactly 6 digits", () => {
    const good = codeAt(0);
    for (const code of ["", "12345", "1234567", ` ${good}`, `${good} `, `${good.slice(0, 3)} ${good.slice(3)}`, "abcdef", "12345a", "１２３４５６", "+12345", "1e5000"]) {
      expect(verifyTotp({ secretBase32, code, now }), JSON.stringify(code)).toEqual({ ok: false, reason: "invalid" });
    }
    // 8-digit code for the right step is still not accepted.
    expect(verifyTotp({ secretBase32, code: totpAt({ secret: secretBase32, time: now, digits: 8 }), now }).ok).toBe(false);
  });

  it("rejects a code generated from another secret", () => {
    const other = generateTotpSecret();
    const code = totpAt({ secret: other, time: now });
    const inWindow = new Set([codeAt(-1), codeAt(0), codeAt(1)]);
    if (!inWindow.has(code)) expect(verifyTotp({ secretBase32, code, now }).ok).toBe(false);
  });
});

describe("provisioning", () => {
  it("builds an otpauth:// URI with SHA1, 6 digits, 30 s", () => {
    const secretBase32 = generateTotpSecret();
    const uri = totpUri({ secretBase32, account: "alice@example.com", issuer: "Worktrail" });
    const url = new URL(uri);
    expect(url.protocol).toBe("otpauth:");
    expect(uri.startsWith("otpauth://totp/Worktrail:alice%40example.com?")).toBe(true);
    expect(url.searchParams.get("secret")).toBe(secretBase32);
    expect(url.searchParams.get("issuer")).toBe("Worktrail");
    expect(url.searchParams.get("algorithm")).toBe("SHA1");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
  });

  it("renders the URI as an SVG QR code", () => {
    const svg = totpQrSvg(totpUri({ secretBase32: generateTotpSecret(), account: "a@b.c", issuer: "Worktrail" }));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });
});

describe("recovery codes", () => {
  it("generates n unique xxxxx-xxxxx codes", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
  });

  it("uses the whole 32-symbol alphabet (≥ 50 bits per code)", () => {
    const seen = new Set(generateRecoveryCodes(100).join("").replace(/-/g, ""));
    expect(seen.size).toBe(32);
  });

  it("hashes to sha256 hex after normalizing case, spaces, dashes and look-alikes", async () => {
    const [code = ""] = generateRecoveryCodes(1);
    const h = await hashRecoveryCode(code);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashRecoveryCode(code.toUpperCase())).toBe(h);
    expect(await hashRecoveryCode(code.replace("-", ""))).toBe(h);
    expect(await hashRecoveryCode(` ${code.slice(0, 2)} ${code.slice(2).replace("-", " - ")} `)).toBe(h);
    // Crockford look-alikes: o→0, i→1, l→1.
    expect(await hashRecoveryCode("abcde-01234")).toBe(await hashRecoveryCode("ABCDE-OI234"));
    expect(await hashRecoveryCode("abcde-01234")).toBe(await hashRecoveryCode("abcde-0l234"));
    expect(await hashRecoveryCode("abcde-01234")).not.toBe(await hashRecoveryCode("abcde-01235"));
  });
});
