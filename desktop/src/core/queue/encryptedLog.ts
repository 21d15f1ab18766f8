/**
 * An append-only file of encrypted records: the disk format of the agent's offline queue.
 *
 *   file   = "WTQLOG1\n" | fileId (16 random bytes) | keyCheck (16) | frame*
 *   frame  = "WQR1" | u32 BE length of box | box
 *   box    = AES-256-GCM(nonce | ciphertext | tag) under HKDF(key, fileId), aad = "WTQ1" | fileId | u64 BE frame offset
 *
 * Why this shape:
 * - keyCheck (an HMAC of a constant under the file's subkey) tells "wrong key" apart from "damaged":
 *   without it, a key that changed (a keychain reset) would make every frame look torn and opening
 *   would truncate the whole queue. With it, opening refuses and leaves the file untouched.
 * - A process killed mid-append leaves a frame that is short or does not authenticate at the end of
 *   the file. Opening drops that tail (and truncates it away, so later appends start on a clean
 *   boundary) and keeps every complete frame before it.
 * - The associated data names the file and the byte offset of the frame, so a frame moved, swapped or
 *   spliced in from another queue file fails authentication like a damaged one.
 * - A damaged frame in the middle (a flipped bit on disk) is skipped, never returned: opening looks for
 *   the next frame that authenticates at its own offset (the frame marker lets it resynchronise even
 *   when the length itself was hit) and goes on from there. Skipping loses one record instead of
 *   refusing the whole queue, which would stop the agent recording anything; the open report counts
 *   what was skipped so the agent can log it. A frame that authenticates at an offset cannot be forged
 *   without the key, so resynchronising can never accept planted data.
 * - Truncating the file exactly at a frame boundary removes the newest records undetected: that is
 *   indistinguishable from a crash just before they were written, which the format must accept.
 *
 * Appends are serialised and each is followed by fdatasync before it resolves: what a caller was told
 * is stored survives a power cut.
 */
import { open as openFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { dirname } from "node:path";
import { deriveFileKey, open, seal, SEAL_OVERHEAD, SealError } from "./sealing";
import { syncDir } from "./durableFs";

const FILE_MAGIC = Buffer.from("WTQLOG1\n", "latin1");
const FILE_ID_BYTES = 16;
const KEY_CHECK_BYTES = 16;
export const HEADER_BYTES = FILE_MAGIC.length + FILE_ID_BYTES + KEY_CHECK_BYTES;
const FRAME_MAGIC = Buffer.from("WQR1", "latin1");
const FRAME_HEADER_BYTES = FRAME_MAGIC.length + 4;
/** Generous for one screenshot record (two envelopes ≤ 3.2 MB as base64 plus metadata). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const KEY_INFO = "worktrail queue log v1";
const READ_CHUNK = 1024 * 1024;

/** Where a frame sits in the file; `length` includes the frame header. */
export interface FrameRef {
  offset: number;
  length: number;
}

export interface OpenReport {
  /** Frames that authenticated and were handed to the visitor. */
  frames: number;
  /** Bytes dropped at the end (a torn append). */
  tornBytes: number;
  /** Regions in the middle that did not authenticate and were skipped. */
  damagedRegions: number;
  damagedBytes: number;
  /** The file did not exist (or held only a torn header) and was created. */
  created: boolean;
}

/** The file was written under another key: nothing in it can be read, and nothing is changed. */
export class WrongKeyError extends Error {
  constructor(path: string) {
    super(`${path} was encrypted with a different key than the one in the key store; refusing to open it (the file is left as it is).`);
    this.name = "WrongKeyError";
  }
}

const keyCheck = (key: Buffer) => createHmac("sha256", key).update("worktrail queue key check").digest().subarray(0, KEY_CHECK_BYTES);

export class LogFormatError extends Error {
  constructor(path: string) {
    super(`${path} is not an agent queue file (unknown header); refusing to touch it.`);
    this.name = "LogFormatError";
  }
}

function frameAad(fileId: Uint8Array, offset: number): Buffer {
  const aad = Buffer.alloc(4 + FILE_ID_BYTES + 8);
  aad.write("WTQ1", 0, "latin1");
  aad.set(fileId, 4);
  aad.writeBigUInt64BE(BigInt(offset), 4 + FILE_ID_BYTES);
  return aad;
}

async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Buffered random access for the one pass over the file at open. */
class FileWindow {
  private start = 0;
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly fh: FileHandle, readonly size: number) {}

  async bytes(position: number, length: number): Promise<Buffer> {
    if (position < this.start || position + length > this.start + this.buf.length) {
      this.start = position;
      this.buf = await readExactly(this.fh, position, Math.min(Math.max(length, READ_CHUNK), this.size - position));
    }
    return this.buf.subarray(position - this.start, position - this.start + length);
  }
}

export class EncryptedLog {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private path: string,
    private readonly fh: FileHandle,
    private readonly fileId: Buffer,
    private readonly key: Buffer,
    private end: number,
  ) {}

  /**
   * Opens (or creates) the log at `path` and hands every authentic record to `visit` in file order.
   * A torn tail is truncated away; damaged frames in the middle are skipped (see the file comment).
   */
  static async open(path: string, masterKey: Uint8Array, visit: (plain: Buffer, at: FrameRef) => void): Promise<{ log: EncryptedLog; report: OpenReport }> {
    const report: OpenReport = { frames: 0, tornBytes: 0, damagedRegions: 0, damagedBytes: 0, created: false };
    let fh: FileHandle;
    try {
      fh = await openFile(path, "r+");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      report.created = true;
      return { log: await EncryptedLog.create(path, masterKey), report };
    }
    try {
      const size = (await fh.stat()).size;
      const header = await readExactly(fh, 0, Math.min(size, HEADER_BYTES));
      if (size < HEADER_BYTES) {
        // A crash while the file was being created: only a prefix of our own header may be there.
        if (!FILE_MAGIC.subarray(0, Math.min(header.length, FILE_MAGIC.length)).equals(header.subarray(0, FILE_MAGIC.length))) throw new LogFormatError(path);
        await fh.close();
        report.created = true;
        return { log: await EncryptedLog.create(path, masterKey), report };
      }
      if (!header.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw new LogFormatError(path);
      const fileId = Buffer.from(header.subarray(FILE_MAGIC.length, FILE_MAGIC.length + FILE_ID_BYTES));
      const key = deriveFileKey(masterKey, fileId, KEY_INFO);
      if (!timingSafeEqual(keyCheck(key), header.subarray(FILE_MAGIC.length + FILE_ID_BYTES, HEADER_BYTES))) throw new WrongKeyError(path);
      const end = await scan(new FileWindow(fh, size), fileId, key, visit, report);
      if (end < size) {
        await fh.truncate(end);
        await fh.datasync();
      }
      return { log: new EncryptedLog(path, fh, fileId, key, end), report };
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }

  /** A new, empty log with a fresh file id, replacing whatever is at `path`. */
  static async create(path: string, masterKey: Uint8Array): Promise<EncryptedLog> {
    const fileId = randomBytes(FILE_ID_BYTES);
    const key = deriveFileKey(masterKey, fileId, KEY_INFO);
    const fh = await openFile(path, "w+", 0o600);
    try {
      await writeAll(fh, Buffer.concat([FILE_MAGIC, fileId, keyCheck(key)]), 0);
      await fh.datasync();
      await syncDir(dirname(path));
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
    return new EncryptedLog(path, fh, fileId, key, HEADER_BYTES);
  }

  /**
   * Compaction: a fresh log (new file id, so a new subkey) filled by `fill` in a side file, synced
   * and renamed over `path`. On failure the side file goes and the caller keeps its old log; a crash
   * halfway leaves only the side file behind, which the next open removes (removeUnfinishedReplace).
   */
  static async replace(path: string, masterKey: Uint8Array, fill: (next: EncryptedLog) => Promise<void>): Promise<EncryptedLog> {
    const next = await EncryptedLog.create(replacementPath(path), masterKey);
    try {
      await fill(next);
      await next.sync();
      await next.renameTo(path);
    } catch (e) {
      await next.destroy().catch(() => undefined);
      throw e;
    }
    return next;
  }

  /** Bytes in the file. */
  get size(): number {
    return this.end;
  }

  get filePath(): string {
    return this.path;
  }

  /**
   * Seals and appends one record. With `sync` (the default) the promise resolves only once the data
   * is on disk; compaction appends many records unsynced and calls `sync()` once.
   */
  append(plain: Uint8Array, opts: { sync?: boolean } = {}): Promise<FrameRef> {
    if (plain.length > MAX_RECORD_BYTES) return Promise.reject(new Error(`A queue record is limited to ${MAX_RECORD_BYTES} bytes.`));
    return this.serial(async () => {
      const offset = this.end;
      const box = seal(this.key, plain, frameAad(this.fileId, offset));
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      FRAME_MAGIC.copy(header, 0);
      header.writeUInt32BE(box.length, FRAME_MAGIC.length);
      const frame = Buffer.concat([header, box]);
      try {
        await writeAll(this.fh, frame, offset);
        if (opts.sync !== false) await this.fh.datasync();
      } catch (e) {
        // A partial frame (e.g. disk full) must not sit between this record and the next append.
        await this.fh.truncate(offset).catch(() => undefined);
        throw e;
      }
      this.end = offset + frame.length;
      return { offset, length: frame.length };
    });
  }

  /** The plaintext of the frame at `ref` (from open's visitor or append). */
  read(ref: FrameRef): Promise<Buffer> {
    return this.serial(async () => {
      const frame = await readExactly(this.fh, ref.offset, ref.length);
      if (frame.length !== ref.length || !frame.subarray(0, FRAME_MAGIC.length).equals(FRAME_MAGIC)) {
        throw new SealError("The queue file changed underneath the agent.");
      }
      return open(this.key, frame.subarray(FRAME_HEADER_BYTES), frameAad(this.fileId, ref.offset));
    });
  }

  sync(): Promise<void> {
    return this.serial(() => this.fh.datasync());
  }

  /** Moves the file (compaction's atomic replace): rename, then sync the directory. */
  renameTo(path: string): Promise<void> {
    return this.serial(async () => {
      await rename(this.path, path);
      await syncDir(dirname(path));
      this.path = path;
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const run = this.chain.then(() => this.fh.close());
    this.closed = true;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Closes and deletes the file (an abandoned compaction). */
  async destroy(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("The queue file is closed."));
    const run = this.chain.then(op);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** Reads frames from HEADER_BYTES on; returns where the valid data ends (the torn tail starts). */
async function scan(win: FileWindow, fileId: Buffer, key: Buffer, visit: (plain: Buffer, at: FrameRef) => void, report: OpenReport): Promise<number> {
  let pos = HEADER_BYTES;
  while (pos < win.size) {
    const frame = await tryFrame(win, fileId, key, pos);
    if (frame) {
      visit(frame.plain, { offset: pos, length: frame.length });
      report.frames++;
      pos += frame.length;
      continue;
    }
    const next = await nextAuthenticFrame(win, fileId, key, pos + 1);
    if (next === null) {
      report.tornBytes = win.size - pos;
      return pos;
    }
    report.damagedRegions++;
    report.damagedBytes += next - pos;
    pos = next;
  }
  return pos;
}

async function tryFrame(win: FileWindow, fileId: Buffer, key: Buffer, pos: number): Promise<{ plain: Buffer; length: number } | null> {
  if (pos + FRAME_HEADER_BYTES > win.size) return null;
  const header = await win.bytes(pos, FRAME_HEADER_BYTES);
  if (!header.subarray(0, FRAME_MAGIC.length).equals(FRAME_MAGIC)) return null;
  const boxLength = header.readUInt32BE(FRAME_MAGIC.length);
  if (boxLength < SEAL_OVERHEAD || boxLength > MAX_RECORD_BYTES + SEAL_OVERHEAD) return null;
  const length = FRAME_HEADER_BYTES + boxLength;
  if (pos + length > win.size) return null;
  const box = Buffer.from(await win.bytes(pos + FRAME_HEADER_BYTES, boxLength));
  try {
    return { plain: open(key, box, frameAad(fileId, pos)), length };
  } catch (e) {
    if (e instanceof SealError) return null;
    throw e;
  }
}

/** The offset of the next frame at or after `from` that authenticates, or null (the rest is a torn tail). */
async function nextAuthenticFrame(win: FileWindow, fileId: Buffer, key: Buffer, from: number): Promise<number | null> {
  let pos = from;
  while (pos + FRAME_HEADER_BYTES <= win.size) {
    const len = Math.min(READ_CHUNK, win.size - pos);
    const chunk = Buffer.from(await win.bytes(pos, len));
    let i = chunk.indexOf(FRAME_MAGIC);
    while (i !== -1) {
      if (await tryFrame(win, fileId, key, pos + i)) return pos + i;
      i = chunk.indexOf(FRAME_MAGIC, i + 1);
    }
    // Step back a little so a marker split across two chunks is still found.
    if (len < READ_CHUNK) break;
    pos += len - (FRAME_MAGIC.length - 1);
  }
  return null;
}

/** Size of the file at `path`, or 0 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

const replacementPath = (path: string) => `${path}.compact`;

/** Deletes what a compaction cut short left next to `path` (the log itself is intact). */
export const removeUnfinishedReplace = (path: string) => rm(replacementPath(path), { force: true });
