// CC-1 in the sidecar. The game that starts a scene reports it (CineReport with its scene time
// at our estimate of server time); CineStart {sceneId, startTimeMs} from the server becomes a
// SeekCinematic to (serverNow − startTimeMs) — the game's script has no general seek, so this is
// a native command of the plugin's scnSceneSystem hook — and every CinematicTime the game reports
// is checked against where the scene should be: off by more than CINE_SEEK_TOLERANCE_MS (a late
// loader, a hitch, a better clock estimate) and the game is seeked again. CineEnd stops it.
import { CHANNEL_RELIABLE } from '../../protocol/constants.js';
import { CineEvent, type EMsg } from '../../protocol/schema.gen.js';
import type { ServerClock } from './server-clock.js';
import type { ServerSend, StoryGame } from './game-port.js';

/** A game further than this from the scene's server-clock time is seeked, ms (a third of a 60 fps frame). */
export const CINE_SEEK_TOLERANCE_MS = 5;
const MS_PER_S = 1_000;

interface Following {
  startTimeMs: number;
  ownerPeerId: number;
  lengthMs: number;
  seeked: boolean;
}

export class CineFollower {
  readonly #game: StoryGame;
  readonly #send: ServerSend;
  readonly #clock: () => ServerClock;
  readonly #myPeerId: () => number;
  readonly #now: () => number;
  readonly #scenes = new Map<string, Following>();
  readonly #offs: Array<() => void> = [];
  readonly counts = { seeks: 0, corrections: 0, reports: 0 };

  constructor(o: { game: StoryGame; send: ServerSend; clock: () => ServerClock; myPeerId: () => number; now: () => number }) {
    this.#now = o.now;
    this.#game = o.game;
    this.#send = o.send;
    this.#clock = o.clock;
    this.#myPeerId = o.myPeerId;
    this.#offs.push(
      o.game.on('StartCinematic', (m) => this.#localStart(m.sceneId, m.timeS)),
      o.game.on('CinematicEnded', (m) => this.#localEnd(m.sceneId, m.skipped)),
      o.game.on('CinematicTime', (m) => this.#check(m.sceneId, m.timeS, m.localTimeMs)),
    );
  }

  get following(): ReadonlyMap<string, Following> {
    return this.#scenes;
  }

  /** Server messages: cineStart, cineEnd, storyRefused for cine. True when handled. */
  message(kind: string, m: EMsg): boolean {
    if (kind === 'cineStart') {
      const c = m.cineStart ?? {};
      const sceneId = c.sceneId ?? '';
      this.#scenes.set(sceneId, { startTimeMs: c.startTimeMs ?? 0, ownerPeerId: c.ownerPeerId ?? 0, lengthMs: c.durationMs ?? 0, seeked: false });
      this.#seek(sceneId);
      return true;
    }
    if (kind === 'cineEnd') {
      const sceneId = m.cineEnd?.sceneId ?? '';
      if (this.#scenes.delete(sceneId)) this.#game.trySend('StopCinematic', { sceneId, reason: m.cineEnd?.reason ?? '' });
      return true;
    }
    return false;
  }

  /** The game started a scene: ours to report unless it is one the server already told us of. */
  #localStart(sceneId: string, timeS: number): void {
    if (this.#scenes.has(sceneId)) {
      this.#seek(sceneId);
      return;
    }
    const clock = this.#clock();
    this.counts.reports++;
    this.#send(
      { cineReport: { sceneId, event: CineEvent.CINE_STARTED, sceneTimeMs: timeS * MS_PER_S, serverTimeMs: clock.synced ? clock.serverNow() : 0 } },
      CHANNEL_RELIABLE,
    );
  }

  #localEnd(sceneId: string, skipped: boolean): void {
    const f = this.#scenes.get(sceneId);
    if (!f) return;
    if (f.ownerPeerId === this.#myPeerId()) {
      this.#send({ cineReport: { sceneId, event: skipped ? CineEvent.CINE_SKIPPED : CineEvent.CINE_ENDED } }, CHANNEL_RELIABLE);
      return;
    }
    // Not ours to end: the scene goes on for the party, so this game rejoins it where it is.
    if (skipped) this.#seek(sceneId);
  }

  #check(sceneId: string, timeS: number, localTimeMs: number): void {
    const f = this.#scenes.get(sceneId);
    const clock = this.#clock();
    if (!f || !clock.synced || !Number.isFinite(timeS) || !Number.isFinite(localTimeMs)) return;
    const shouldMs = localTimeMs + clock.offsetMs - f.startTimeMs;
    if (Math.abs(timeS * MS_PER_S - shouldMs) > CINE_SEEK_TOLERANCE_MS) {
      this.counts.corrections++;
      this.#seek(sceneId);
    }
  }

  #seek(sceneId: string): void {
    const f = this.#scenes.get(sceneId);
    const clock = this.#clock();
    if (!f || !clock.synced) return; // the first CinematicTime after sync seeks it
    this.counts.seeks++;
    f.seeked = true;
    // The time holds at this clock reading: the game adds however long the bridge took.
    const localTimeMs = this.#now();
    this.#game.trySend('SeekCinematic', { sceneId, timeS: Math.max(0, localTimeMs + clock.offsetMs - f.startTimeMs) / MS_PER_S, localTimeMs });
  }

  /** Whether a scene waits for its seek (pump() has work). */
  get pending(): boolean {
    for (const f of this.#scenes.values()) if (!f.seeked) return true;
    return false;
  }

  /** Seeks scenes told of before the clock was synced (call often). */
  pump(): void {
    for (const [sceneId, f] of this.#scenes) if (!f.seeked) this.#seek(sceneId);
  }

  /** The server session is gone: its scenes are not ours to keep playing in step. */
  reset(): void {
    this.#scenes.clear();
  }
  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
