// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
// target, fsync the folder. A kill -9 at any moment leaves the old file or the new one, never
// a torn one (rename(2) is atomic within one file system).
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Temp files are `.<name>.<random>.tmp` beside the target; a crash can leave one behind. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** True for a leftover temp file of `target` (safe to delete at start-up). */
export function isTempOf(target: string, fileName: string): boolean {
  return fileName.startsWith(`.${basename(target)}.`) && fileName.endsWith('.tmp');
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(target));
}

/** fsync a folder so the rename itself is durable. Some file systems refuse: that is not fatal. */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on exotic file systems: the data is already renamed in place.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
