/**
 * A multipart/form-data body (RFC 7578) built by hand, so the agent needs no FormData/Blob: those
 * globals live in undici, and loading undici costs the agent ~9 MB of its 80 MB budget. The Worker
 * reads the body with the standard `request.formData()` (worker/routes/screenshots.ts), so the output
 * follows the HTML form encoding exactly: CRLF line ends, a quoted name (and filename for file parts),
 * and a content type only on file parts.
 */
import { randomBytes } from "node:crypto";

export type FormPart =
  | { name: string; text: string }
  | { name: string; bytes: Uint8Array; filename: string; contentType?: string };

export interface MultipartBody {
  /** The value for the request's Content-Type header (it carries the boundary). */
  contentType: string;
  body: Buffer;
}

const CRLF = "\r\n";

/** Encodes the parts in order. The boundary is random and checked not to occur in any part. */
export function encodeMultipart(parts: readonly FormPart[], boundary = randomBoundary()): MultipartBody {
  const values = parts.map((p) => ("text" in p ? Buffer.from(p.text, "utf8") : Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength)));
  // Sealed screenshots are random-looking bytes: a collision is astronomically unlikely, but a body
  // that contains its own delimiter would be cut short by the parser, so draw another one then.
  if (values.some((v) => v.includes(`--${boundary}`))) return encodeMultipart(parts, randomBoundary());
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeName(p.name)}"`;
    if ("bytes" in p) head += `; filename="${escapeName(p.filename)}"${CRLF}Content-Type: ${p.contentType ?? "application/octet-stream"}`;
    chunks.push(Buffer.from(head + CRLF + CRLF, "utf8"), values[i]!, Buffer.from(CRLF, "utf8"));
  });
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, "utf8"));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** 24 random bytes in hex: only token characters, so the boundary needs no quoting in the header. */
function randomBoundary(): string {
  return `----worktrail${randomBytes(24).toString("hex")}`;
}

/** The HTML standard's escaping of names and filenames in a multipart header: ", CR and LF are percent-encoded. */
function escapeName(name: string): string {
  return name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}
