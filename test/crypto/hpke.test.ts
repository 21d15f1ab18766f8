import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { generateWorkspaceKeyPair, openScreenshot, sealScreenshot, unwrapPrivateKey, wrapPrivateKey, type ShotBinding } from "../../worker/crypto/hpke";

// A tiny but real JPEG header plus payload: what an agent would seal.
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, ...Array.from({ length: 2000 }, (_, i) => i % 251), 0xff, 0xd9]);
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const bind: ShotBinding = { workspaceId: "ws-1", memberId: "m-1", shotId: "s-1", variant: "full" };

function contains(hay: Uint8Array, needle: number[]) {
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("screenshot HPKE envelope", () => {
  it("round-trips, and the ciphertext holds no image magic bytes", async () => {
    const kp = await generateWorkspaceKeyPair();
    const sealed = await sealScreenshot(kp.publicKey, JPEG, bind);
    expect(contains(sealed, [0xff, 0xd8, 0xff])).toBe(false);
    expect(contains(sealed, PNG_MAGIC)).toBe(false);
    expect(contains(sealed, [0x4a, 0x46, 0x49, 0x46])).toBe(false); // "JFIF"
    expect(await openScreenshot(kp.privateKey, sealed, bind)).toEqual(JPEG);
    // Two seals of the same image differ (fresh ephemeral key each time).
    expect(await sealScreenshot(kp.publicKey, JPEG, bind)).not.toEqual(sealed);
  });

  it("refuses a tampered byte, another workspace's key, and another member's or shot's binding", async () => {
    const kp = await generateWorkspaceKeyPair();
    const other = await generateWorkspaceKeyPair();
    const sealed = await sealScreenshot(kp.publicKey, JPEG, bind);
    for (const i of [10, sealed.length - 1, sealed.length >> 1]) {
      const t = sealed.slice();
      t[i]! ^= 0x01;
      await expect(openScreenshot(kp.privateKey, t, bind)).rejects.toThrow();
    }
    await expect(openScreenshot(other.privateKey, sealed, bind)).rejects.toThrow();
    await expect(openScreenshot(kp.privateKey, sealed, { ...bind, memberId: "m-2" })).rejects.toThrow();
    await expect(openScreenshot(kp.privateKey, sealed, { ...bind, variant: "thumb" })).rejects.toThrow();
    await expect(openScreenshot(kp.privateKey, JPEG, bind)).rejects.toThrow(/envelope/);
  });

  it("wraps the workspace private key with the KEK, bound to the workspace", async () => {
    const kp = await generateWorkspaceKeyPair();
    const wrapped = await wrapPrivateKey(kp.privateKey, env.SCREENSHOT_KEK, "ws-1");
    expect(wrapped.startsWith("v1.")).toBe(true);
    expect(await unwrapPrivateKey(wrapped, env.SCREENSHOT_KEK, "ws-1")).toEqual(kp.privateKey);
    await expect(unwrapPrivateKey(wrapped, env.SCREENSHOT_KEK, "ws-2")).rejects.toThrow();
    const otherKek = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    await expect(unwrapPrivateKey(wrapped, otherKek, "ws-1")).rejects.toThrow();
  });
});
