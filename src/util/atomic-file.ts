// Atomic file replacement, the one writer for every file the program owns: a temp file beside
// the target, fsync, rename over the target, fsync the folder. A kill -9 at any moment leaves
// the old file or the new one, never a torn one (rename(2) is atomic within one file system).
// A kill between open and rename can leave the temp file: sweepTempFiles clears those at start.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Random bytes in a temp file's name, so two writers (or two processes) never share one. */
export const ATOMIC_TEMP_RANDOM_BYTES = 6;
/** Default mode of a written file; keys and secrets pass 0o600. */
export const ATOMIC_DEFAULT_MODE = 0o644;

/** The one temp-file name format: `.<name>.<pid>.<random hex>.tmp` in the target's folder. */
export function tempPathFor(target: string): string {
  const tag = `${process.pid}.${randomBytes(ATOMIC_TEMP_RANDOM_BYTES).toString('hex')}`;
  return join(dirname(target), `.${basename(target)}.${tag}.tmp`);
}

/** True for a temp file tempPathFor made for `target` (safe to delete before anyone writes it). */
export function isTempOf(target: string, fileName: string): boolean {
  return fileName.startsWith(`.${basename(target)}.`) && fileName.endsWith('.tmp');
}

/** Writes `data` to `target` atomically. Throws the fs error; never leaves a temp file behind. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, mode = ATOMIC_DEFAULT_MODE): void {
  const tmp = tempPathFor(target);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', mode);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDirSync(dirname(target));
}

/** The async twin of writeFileAtomicSync (same temp name, same guarantees). */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = ATOMIC_DEFAULT_MODE): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(target));
}

/**
 * Deletes leftover temp files of `target`; returns how many. Call before the first write (a
 * live writer's temp file would go too). A folder that does not exist holds none.
 */
export function sweepTempFilesSync(target: string): number {
  const dir = dirname(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let n = 0;
  for (const name of names) {
    if (!isTempOf(target, name)) continue;
    rmSync(join(dir, name), { force: true });
    n++;
  }
  return n;
}

/** The async twin of sweepTempFilesSync. */
export async function sweepTempFiles(target: string): Promise<number> {
  const dir = dirname(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let n = 0;
  for (const name of names) {
    if (!isTempOf(target, name)) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    n++;
  }
  return n;
}

/** Makes the rename durable. Some file systems refuse to fsync a folder: that is not an error. */
function fsyncDirSync(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM on exotic file systems: the data is already renamed in place.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // as fsyncDirSync
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
