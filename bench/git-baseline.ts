// A bench's baseline from an earlier commit, measured in the same run as today's code: its files
// read from git (`git show <rev>:<file>`) into a scratch folder inside the repository, their
// relative imports kept, and the entry module imported. Inside the repository, not under the
// OS's temp folder: tsx compiles a file outside the project for an older target (private fields
// becoming WeakMap look-ups: bench:interp's baseline ran ten times slower there).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The scratch folder (git-ignored). */
const SCRATCH = 'tmp';
/** Largest file git may hand over, bytes. */
const MAX_FILE_BYTES = 1 << 24;

/** Imports `entry` as it was at `rev`, with `files` (entry included) beside it; cleanup removes them. */
export async function importFromRev<T>(rev: string, files: readonly string[], entry: string): Promise<{ mod: T; cleanup: () => void }> {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, 'bench-baseline-'));
  for (const f of files) {
    const text = execFileSync('git', ['show', `${rev}:${f}`], { encoding: 'utf8', maxBuffer: MAX_FILE_BYTES });
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  const mod = (await import(pathToFileURL(join(dir, entry)).href)) as T;
  return { mod, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
