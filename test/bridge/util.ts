// Small helpers for the bridge tests.
import { loadNative } from '../../bridge/index.js';

let n = 0;
const made: string[] = [];
/** A session name unique to this test process; removeSessions() unlinks its shm name. */
export function sessionName(tag: string): string {
  const s = `t${process.pid}_${tag}_${n++}`;
  made.push(s);
  return s;
}

/** Unlinks every session's shm name (call after both sides are gone: a killed process leaves
 * its region behind, as a crashed game would). */
export function removeSessions(): void {
  for (const s of made.splice(0)) loadNative().unlink(s);
}

/** Options for vi.waitUntil / vi.waitFor in the bridge tests: a frame takes microseconds, so poll
 * every 2 ms; the timeout is a backstop under the test's own. */
export const WAIT = { timeout: 30_000, interval: 2 } as const;
