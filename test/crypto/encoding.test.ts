import { describe, expect, it } from "vitest";
import {
  fromBase64Url,
  randomBytes,
  randomToken,
  sha256Hex,
  timingSafeEqual,
  toBase64Url,
  toHex,
} from "../../worker/crypto/encoding";

describe("base64url", () => {
  it("round-trips every length and byte value", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = randomBytes(n);
      const s = toBase64Url(bytes);
      expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(s)).toEqual(bytes);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64Url(toBase64Url(all))).toEqual(all);
  });

  it("matches known vectors (RFC 4648 §10, url alphabet)", () => {
    const enc = new TextEncoder();
    expect(toBase64Url(enc.encode(""))).toBe("");
    expect(toBase64Url(enc.encode("f"))).toBe("Zg");
    expect(toBase64Url(enc.encode("foobar"))).toBe("Zm9vYmFy");
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });

  it("rejects non-base64url input", () => {
    expect(() => fromBase64Url("a+b/")).toThrow();
    expect(() => fromBase64Url("abcde")).toThrow(); // length % 4 === 1 is never valid
    expect(() => fromBase64Url("ab cd")).toThrow();
  });
});

describe("random", () => {
  it("randomToken is base64url of the requested size and unique", () => {
    const a = randomToken();
    expect(fromBase64Url(a)).toHaveLength(32);
    expect(randomToken()).not.toBe(a);
    expect(fromBase64Url(randomToken(16))).toHaveLength(16);
  });

  it("randomBytes handles more than one getRandomValues call", () => {
    expect(randomBytes(70_000)).toHaveLength(70_000);
  });
});

describe("hashing and hex", () => {
  it("sha256Hex matches the FIPS 180-2 'abc' vector for strings and bytes", async () => {
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(await sha256Hex("abc")).toBe(abc);
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe(abc);
  });

  it("toHex pads bytes", () => {
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe("000fff");
  });
});

describe("timingSafeEqual", () => {
  it("compares bytes and UTF-8 strings", () => {
    expect(timingSafeEqual("secret", "secret")).toBe(true);
    expect(timingSafeEqual("secret", "secreT")).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(timingSafeEqual("é", new Uint8Array([0xc3, 0xa9]))).toBe(true);
    expect(timingSafeEqual("", "")).toBe(true);
  });

  it("is false for different lengths, including zero-padded prefixes", () => {
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
    expect(timingSafeEqual("", "a")).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1, 0]), new Uint8Array([1]))).toBe(false);
  });
});
