/** The hand-built multipart body: the standard parser (what the Worker's request.formData() runs) reads it back exactly. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeMultipart } from "../src/core/sync/multipart";

/** Parses like the Worker does. Undici is fine here: this is the test process, not the agent. */
const parse = ({ contentType, body }: { contentType: string; body: Buffer }) =>
  new Request("http://x/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();

describe("encodeMultipart", () => {
  it("encodes text and file parts that the standard form parser reads back byte for byte", async () => {
    const full = randomBytes(70_000);
    const thumb = new Uint8Array([0, 13, 10, 45, 45, 255]); // NUL, CRLF and "--" inside a file part
    const meta = JSON.stringify({ app: "Übersicht — \"quoted\"\r\nline", n: 1 });
    const encoded = encodeMultipart([
      { name: "meta", text: meta },
      { name: "full", bytes: full, filename: "full" },
      { name: "thumb", bytes: thumb, filename: "thumb", contentType: "image/jpeg" },
    ]);
    expect(encoded.contentType).toMatch(/^multipart\/form-data; boundary=[0-9A-Za-z-]{30,70}$/);
    const form = await parse(encoded);
    const names: string[] = [];
    form.forEach((_, name) => names.push(name));
    expect(names).toEqual(["meta", "full", "thumb"]);
    expect(form.get("meta")).toBe(meta);
    const f = form.get("full") as File;
    const t = form.get("thumb") as File;
    expect(f.name).toBe("full");
    expect(f.type).toBe("application/octet-stream");
    expect(Buffer.from(await f.arrayBuffer()).equals(full)).toBe(true);
    expect(t).toMatchObject({ name: "thumb", type: "image/jpeg" });
    expect(Buffer.from(await t.arrayBuffer()).equals(Buffer.from(thumb))).toBe(true);
  });

  it("uses a fresh random boundary per body, and another one when a part contains the boundary", async () => {
    const a = encodeMultipart([{ name: "meta", text: "{}" }]);
    const b = encodeMultipart([{ name: "meta", text: "{}" }]);
    expect(a.contentType).not.toBe(b.contentType);

    const clash = Buffer.from("before\r\n--fixed-boundary--\r\nafter");
    const encoded = encodeMultipart([{ name: "full", bytes: clash, filename: "full" }], "fixed-boundary");
    expect(encoded.contentType).not.toContain("fixed-boundary");
    const form = await parse(encoded);
    expect(Buffer.from(await (form.get("full") as File).arrayBuffer()).equals(clash)).toBe(true);
  });

  it("escapes quotes and line breaks in names as the HTML standard does", async () => {
    const encoded = encodeMultipart([{ name: 'a"b\r\nc', bytes: Buffer.from("x"), filename: 'f"1\n' }]);
    expect(encoded.body.toString("latin1")).toContain('name="a%22b%0D%0Ac"; filename="f%221%0A"');
    const form = await parse(encoded);
    expect((form.get('a"b\r\nc') as File).name).toBe('f"1\n');
  });
});
