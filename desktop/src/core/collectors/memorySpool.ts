/**
 * Where ImageMagick may put its scratch files: a private directory in memory (tmpfs), never on disk.
 *
 * Why this exists: ImageMagick 6 cannot write JPEG to a pipe directly. With `jpeg:-` on a
 * non-seekable stdout it first encodes into a temporary file and then copies that to stdout, and it
 * spools a piped stdin into a temporary file before decoding it (checked with strace on IM 6.9.11:
 * /tmp/magick-XXXX is created, written, read back and unlinked). By default that file is in /tmp,
 * which is usually disk, so a plain screenshot would touch disk before we encrypt it. Pointing
 * MAGICK_TMPDIR at a fresh 0700 directory on tmpfs keeps those bytes in RAM (like the agent's own
 * memory), and the directory is removed after every call, so even a killed ImageMagick leaves
 * nothing behind. When no memory-backed directory exists, screenshots are refused rather than
 * written to disk.
 */
import { access, constants, mkdtemp, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { CollectorError } from "./errors";

/** statfs(2) f_type of memory filesystems (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

export const isMemoryFsType = (type: number): boolean => type === TMPFS_MAGIC || type === RAMFS_MAGIC;

export type FsTypeOf = (dir: string) => Promise<number>;
const fsTypeOf: FsTypeOf = async (dir) => (await statfs(dir)).type;

/** The first candidate that exists, is writable and lives on tmpfs/ramfs; null when there is none. */
export async function findMemoryDir(candidates: readonly (string | undefined)[], typeOf: FsTypeOf = fsTypeOf): Promise<string | null> {
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      if (!isMemoryFsType(await typeOf(dir))) continue;
      await access(dir, constants.W_OK | constants.X_OK);
      return dir;
    } catch {
      // missing or not ours: try the next one
    }
  }
  return null;
}

export interface MemorySpoolOptions {
  /** Tried first; it too must be memory-backed. */
  dir?: string;
  /** Environment to read XDG_RUNTIME_DIR from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  typeOf?: FsTypeOf;
}

export class MemorySpool {
  private base: string | null = null;

  constructor(private readonly opts: MemorySpoolOptions = {}) {}

  /** The systemd user runtime directory (tmpfs, 0700, per user) first, then the shared-memory mounts. */
  private candidates(): (string | undefined)[] {
    return [this.opts.dir, (this.opts.env ?? process.env).XDG_RUNTIME_DIR, "/dev/shm", "/run/shm"];
  }

  /**
   * Runs `fn` with the environment that sends ImageMagick's scratch files into a fresh private
   * directory in memory, and removes that directory afterwards whatever happened.
   */
  async run<T>(tool: string, fn: (env: NodeJS.ProcessEnv, dir: string) => Promise<T>): Promise<T> {
    this.base ??= await findMemoryDir(this.candidates(), this.opts.typeOf);
    if (this.base === null) {
      throw new CollectorError("no_memory_spool", tool, "no memory-backed directory (tmpfs) for ImageMagick's scratch files; screenshots are not taken rather than written to disk");
    }
    let dir: string;
    try {
      dir = await mkdtemp(join(this.base, "worktrail-shot-")); // mode 0700
    } catch (e) {
      this.base = null; // e.g. the runtime directory went away with the session: look again next time
      throw new CollectorError("no_memory_spool", tool, `cannot create a scratch directory in memory: ${(e as Error).message}`);
    }
    try {
      return await fn({ MAGICK_TMPDIR: dir, MAGICK_TEMPORARY_PATH: dir, TMPDIR: dir }, dir);
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }
}
