// Relays the player's progress from the game to the server: asks the game for an export when
// the player joins (that first report is their baseline in the session file) and every poll
// period, and forwards every ProgressData (asked for, or pushed by the game when progress
// changes) as PlayerProgress. The bytes are the .dat of src/merge; the server validates them.
import type { ProgressData } from '../../bridge/index.js';

/** How often the sidecar asks the game for its progress (the server autosaves on its own clock). */
export const PROGRESS_POLL_MS = 10_000;
/** PlayerProgress must fit one protocol message (MAX_MESSAGE_BYTES) with room for the envelope. */
export const PROGRESS_MAX_BYTES = 64 * 1024 - 64;

export interface ProgressGame {
  on(name: 'ProgressData', handler: (m: ProgressData) => void): () => void;
  trySend(name: 'ExportProgressRequest', msg: { requestId: number }): boolean;
}

export interface ProgressRelay {
  /** Ask the game for its progress now (call on Welcome). */
  requestNow(): void;
  stop(): void;
  readonly counts: { forwarded: number; tooBig: number };
}

export function relayProgress(opts: {
  game: ProgressGame;
  /** Sends PlayerProgress to the server (only while in the world). */
  send: (dat: Uint8Array) => boolean;
  pollMs?: number;
}): ProgressRelay {
  const counts = { forwarded: 0, tooBig: 0 };
  let requestId = 0;
  const off = opts.game.on('ProgressData', (m) => {
    if (m.data.length > PROGRESS_MAX_BYTES) {
      counts.tooBig++;
      return;
    }
    if (opts.send(m.data)) counts.forwarded++;
  });
  const requestNow = (): void => {
    requestId = (requestId % 0xffff_fffe) + 1;
    opts.game.trySend('ExportProgressRequest', { requestId });
  };
  const timer = setInterval(requestNow, opts.pollMs ?? PROGRESS_POLL_MS);
  timer.unref();
  return {
    requestNow,
    counts,
    stop: () => {
      clearInterval(timer);
      off();
    },
  };
}
