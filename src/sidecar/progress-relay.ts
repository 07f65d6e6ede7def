// Relays the player's progress from the game to the server: asks the game for an export when
// the player joins (that first report is their baseline in the session file) and every poll
// period, and forwards every ProgressData (asked for, or pushed by the game when progress
// changes) as PlayerProgress. The game sends plain fields; the sidecar makes the .dat of src/merge
// of them (progress-fields.ts) and the server validates it.
import type { ExportProgressRequest, ProgressData } from '../../bridge/index.js';
import { encodeDat } from '../merge/index.js';
import { newRefusalCounts, progressFromFields, type RefusalCounts } from './progress-fields.js';
import { nodeIntervals, type IntervalTimers } from '../util/clock.js';

/** How often the sidecar asks the game for its progress (the server autosaves on its own clock). */
export const PROGRESS_POLL_MS = 10_000;
/** PlayerProgress must fit one protocol message (MAX_MESSAGE_BYTES) with room for the envelope. */
export const PROGRESS_MAX_BYTES = 64 * 1024 - 64;

export interface ProgressGame {
  on(name: 'ProgressData', handler: (m: ProgressData) => void): () => void;
  trySend(name: 'ExportProgressRequest', msg: ExportProgressRequest): boolean;
}

export interface ProgressRelay {
  /** Ask the game for its progress now (call on Welcome). */
  requestNow(): void;
  stop(): void;
  /** refused: exports the game sent that are no valid progress, by reason. */
  readonly counts: { forwarded: number; tooBig: number; refused: RefusalCounts };
}

export function relayProgress(opts: {
  game: ProgressGame;
  /** Sends PlayerProgress to the server (only while in the world). */
  send: (dat: Uint8Array) => boolean;
  /** This player as the .dat names them (the server files progress under the connection's identity). */
  who: { playerId: string; name: string };
  /**
   * Quest facts the game reports besides its own list. Empty by default: no list of the game's
   * quest facts is chosen yet (docs/merge.md).
   */
  factNames?: readonly string[];
  pollMs?: number;
  /** The poll's timer (default Node's); it may fire late. */
  intervals?: IntervalTimers;
}): ProgressRelay {
  const counts = { forwarded: 0, tooBig: 0, refused: newRefusalCounts() };
  let requestId = 0;
  const factNames = [...(opts.factNames ?? [])];
  const off = opts.game.on('ProgressData', (m) => {
    const r = progressFromFields(m, opts.who);
    if (!r.ok) {
      counts.refused[r.reason]++;
      return;
    }
    const dat = encodeDat(r.progress);
    if (dat.length > PROGRESS_MAX_BYTES) {
      counts.tooBig++;
      return;
    }
    if (opts.send(dat)) counts.forwarded++;
  });
  const requestNow = (): void => {
    requestId = (requestId % 0xffff_fffe) + 1;
    opts.game.trySend('ExportProgressRequest', { requestId, factNames });
  };
  const intervals = opts.intervals ?? nodeIntervals;
  const timer = intervals.setInterval(requestNow, opts.pollMs ?? PROGRESS_POLL_MS);
  (timer as { unref?: () => void }).unref?.(); // the poll never keeps the sidecar alive
  return {
    requestNow,
    counts,
    stop: () => {
      intervals.clearInterval(timer);
      off();
    },
  };
}
