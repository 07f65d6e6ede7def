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

/** Polls cond every few ms until true (the test's own timeout bounds it). `failIf` returns a
 * reason to stop waiting early (e.g. the peer died), which fails the test with that reason. */
export async function until(cond: () => boolean, failIf?: () => string | undefined, pollMs = 2): Promise<void> {
  while (!cond()) {
    const why = failIf?.();
    if (why) throw new Error(`gave up waiting: ${why}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
