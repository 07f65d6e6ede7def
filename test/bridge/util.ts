// Small helpers for the bridge tests.
import { loadNative, openBridge, type Bridge, type BridgeOptions } from '../../bridge/index.js';

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

/** Both sides of a new session in this process (the game's side reads as `game.read` says); each
 * side's close() goes onto `cleanups`. */
export function bridgePair(
  tag: string,
  cleanups: (() => unknown)[],
  opts: { ringBytes?: number; gameRead?: BridgeOptions['read'] } = {},
): { side: Bridge; game: Bridge } {
  const s = sessionName(tag);
  const ring = opts.ringBytes === undefined ? {} : { ringBytes: opts.ringBytes };
  const side = openBridge({ name: s, role: 'sidecar', ...ring });
  const game = openBridge({ name: s, role: 'game', ...ring, ...(opts.gameRead === undefined ? {} : { read: opts.gameRead }) });
  cleanups.push(
    () => side.close(),
    () => game.close(),
  );
  return { side, game };
}
