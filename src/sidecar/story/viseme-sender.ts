// CC-2, the speaking side: the game that owns a line reports each mouth-shape change
// (VisemeEvent, game clock); the sidecar stamps it in server time and, every VISEME_BATCH_MS,
// sends each speaker's changes of that window in one VisemeBatch — mouths move at phoneme rate
// while packets stay four a second. Repeats of the same shape are not sent. The window's timer
// runs only while changes come (until a window with none), so a session without lines never
// wakes the sidecar for it.
import { CHANNEL_RELIABLE } from '../../protocol/constants.js';
import { VISEME_BATCH_MS, VISEME_COUNT } from '../../protocol/visemes.js';
import type { ServerClock } from './server-clock.js';
import type { ServerSend, StoryGame } from './game-port.js';

/** Events one batch carries at most (the server refuses more); extras wait for the next. */
export const VISEME_SEND_BATCH_MAX = 16;
/** Speakers with pending events at most (a game reporting more is counted and cut). */
export const VISEME_SEND_SPEAKERS_MAX = 32;

export class VisemeSender {
  readonly #send: ServerSend;
  readonly #clock: () => ServerClock;
  readonly #pending = new Map<number, { visemeId: number; timeMs: number }[]>();
  readonly #last = new Map<number, number>();
  readonly #off: () => void;
  #timer: NodeJS.Timeout | null = null;
  #started = false;
  readonly counts = { events: 0, batches: 0, repeats: 0, invalid: 0, unsynced: 0 };

  constructor(o: { game: StoryGame; send: ServerSend; clock: () => ServerClock }) {
    this.#send = o.send;
    this.#clock = o.clock;
    this.#off = o.game.on('VisemeEvent', (m) => this.#event(m.npcId, m.visemeId, m.timeMs));
  }

  #event(npcId: number, visemeId: number, timeMs: number): void {
    if (npcId === 0 || visemeId >= VISEME_COUNT || !Number.isFinite(timeMs)) {
      this.counts.invalid++;
      return;
    }
    if (this.#last.get(npcId) === visemeId) {
      this.counts.repeats++;
      return;
    }
    const clock = this.#clock();
    if (!clock.synced) {
      this.counts.unsynced++;
      return;
    }
    const list = this.#pending.get(npcId) ?? [];
    if (!this.#pending.has(npcId) && this.#pending.size >= VISEME_SEND_SPEAKERS_MAX) {
      this.counts.invalid++;
      return;
    }
    this.#pending.set(npcId, list);
    this.#last.set(npcId, visemeId);
    list.push({ visemeId, timeMs: timeMs + clock.offsetMs });
    this.counts.events++;
    this.#arm();
  }

  /** Sends from now on: each VISEME_BATCH_MS while changes wait. */
  start(): void {
    this.#started = true;
    if (this.#pending.size > 0) this.#arm();
  }

  #arm(): void {
    if (!this.#started || this.#timer) return;
    this.#timer = setInterval(() => this.flush(), VISEME_BATCH_MS);
    this.#timer.unref();
  }

  /** Sends every speaker's pending changes (one VisemeBatch each). */
  flush(): void {
    // a window with nothing to send stops the timer (the next change starts it again)
    if (this.#pending.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    for (const [npcId, list] of this.#pending) {
      const events = list.splice(0, VISEME_SEND_BATCH_MAX).map((e) => ({ npcId, visemeId: e.visemeId, timeMs: e.timeMs }));
      if (list.length === 0) this.#pending.delete(npcId);
      if (this.#send({ visemeBatch: { npcId, events } }, CHANNEL_RELIABLE)) this.counts.batches++;
    }
  }

  stop(): void {
    this.#started = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#pending.clear();
    this.#last.clear();
  }

  close(): void {
    this.stop();
    this.#off();
  }
}
