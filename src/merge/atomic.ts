// Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync the
// folder. A reader sees the old file or the new one, never a half-written one.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const TEMP_SUFFIX_BYTES = 6;

export function tempPathFor(target: string): string {
  const tag = `${process.pid}.${randomBytes(TEMP_SUFFIX_BYTES).toString('hex')}`;
  return join(dirname(target), `.${basename(target)}.${tag}.tmp`);
}

/**
 * Writes `data` to `target` atomically, the file getting `mode` (0o600 for secrets and keys).
 * Throws the fs error; never leaves a temp file behind.
 */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, mode = 0o644): void {
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
  fsyncDir(dirname(target));
}

/** Makes the rename durable. Some file systems refuse to fsync a folder: that is not an error. */
function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Removes the temp files a process killed in the middle of writing `target` left behind
 * (`.<name>.<pid>.<rand>.tmp`, and those of `<name>.<suffix>` files such as a backup). Call it at
 * start, before this process writes `target`: each one may be a full copy of the file's secrets.
 * Returns how many were removed; a missing folder is nothing to sweep.
 */
export function removeStaleTemps(target: string): number {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let n = 0;
  for (const f of names) {
    if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
    rmSync(join(dir, f), { force: true });
    n++;
  }
  return n;
}
