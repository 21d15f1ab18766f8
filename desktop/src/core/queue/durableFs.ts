/**
 * The few file-system steps that make a write survive a crash: data synced before it counts, a file
 * replaced by rename so a reader sees the old or the new content and never a mix, and the directory
 * synced so the rename itself is on disk.
 */
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/** Agent data directories are private to the user: nothing in them is for other accounts on the machine. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** fsync of a directory makes created, renamed and removed entries durable. Not possible on Windows (no-op there). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Replaces `path` with `data` atomically (temporary file, fdatasync, rename, directory sync); mode 0600. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}
