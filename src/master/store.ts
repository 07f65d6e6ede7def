// Reading the master's lobby state; it is written with the project's atomic writer
// (src/merge/atomic.ts: temp file, fsync, rename, fsync dir).
import { readFileSync } from 'node:fs';

/** Reads a JSON file; a missing file gives `undefined`, an unreadable one throws with the path. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}
