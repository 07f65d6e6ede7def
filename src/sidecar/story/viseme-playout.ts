// CC-2, the listening side: visemes from VisemeBatch (another game's line) and from decoded voice
// chat (voice-visemes.ts) wait in a per-speaker queue ordered by server time and go to the game
// (VisemePlay) when due: VISEME_PLAYOUT_DELAY_MS after their time. One that arrives, or is still
// waiting, more than VISEME_LATE_MAX_MS after it was due is dropped (a mouth out of step with
// its sound is worse than a still one). Each queue holds VISEME_QUEUE_MAX events (oldest go).
import { VISEME_COUNT, VISEME_LATE_MAX_MS, VISEME_PLAYOUT_DELAY_MS } from '../../protocol/visemes.js';
import type { StoryGame } from './game-port.js';

export const VISEME_QUEUE_MAX = 64;
export const VISEME_SPEAKERS_MAX = 64;

interface Due {
  visemeId: number;
  timeMs: number;
}

export class VisemePlayout {
  readonly #game: StoryGame;
  readonly #queues = new Map<number, Due[]>();
  readonly counts = { queued: 0, played: 0, late: 0, overflow: 0, invalid: 0 };

  constructor(o: { game: StoryGame }) {
    this.#game = o.game;
  }

  /** Queues one viseme of speaker npcId at server time timeMs (serverNow: now, server time). */
  push(npcId: number, visemeId: number, timeMs: number, serverNow: number): void {
    if (npcId === 0 || !(visemeId >= 0 && visemeId < VISEME_COUNT) || !Number.isFinite(timeMs)) {
      this.counts.invalid++;
      return;
    }
    if (serverNow > timeMs + VISEME_PLAYOUT_DELAY_MS + VISEME_LATE_MAX_MS) {
      this.counts.late++;
      return;
    }
    let q = this.#queues.get(npcId);
    if (!q) {
      if (this.#queues.size >= VISEME_SPEAKERS_MAX) {
        this.counts.overflow++;
        return;
      }
      q = [];
      this.#queues.set(npcId, q);
    }
    let i = q.length;
    while (i > 0 && q[i - 1]!.timeMs > timeMs) i--;
    q.splice(i, 0, { visemeId, timeMs });
    this.counts.queued++;
    if (q.length > VISEME_QUEUE_MAX) {
      q.shift();
      this.counts.overflow++;
    }
  }

  /** Whether visemes wait to be played (pump() has work). */
  get pending(): boolean {
    return this.#queues.size > 0;
  }

  /** Hands every due viseme to the game, oldest first (call often; serverNow NaN = no clock yet). */
  pump(serverNow: number): void {
    if (!Number.isFinite(serverNow)) return;
    for (const [npcId, q] of this.#queues) {
      while (q.length > 0 && q[0]!.timeMs + VISEME_PLAYOUT_DELAY_MS <= serverNow) {
        const e = q.shift()!;
        if (serverNow > e.timeMs + VISEME_PLAYOUT_DELAY_MS + VISEME_LATE_MAX_MS) {
          this.counts.late++;
          continue;
        }
        this.counts.played++;
        this.#game.trySend('VisemePlay', { npcId, visemeId: e.visemeId, serverTimeMs: e.timeMs });
      }
      if (q.length === 0) this.#queues.delete(npcId);
    }
  }

  clear(): void {
    this.#queues.clear();
  }
}
