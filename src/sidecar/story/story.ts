// Story sync in the sidecar: one object the sidecar's main wires to the bridge and the server
// connection. It owns the server clock (clock-link.ts) and hands server messages to the part
// they belong to: cinematics (cine-follower.ts), dialogue (dialogue-link.ts), spectator
// (spectate-link.ts); visemes plug in here.
import type { EMsg } from '../../protocol/schema.gen.js';
import { ClockLink } from './clock-link.js';
import { CineFollower } from './cine-follower.js';
import { DialogueLink } from './dialogue-link.js';
import { SpectateLink } from './spectate-link.js';
import type { ServerSend, StoryGame } from './game-port.js';

/** How often time-driven story work runs (pending seeks, viseme playout), ms. */
export const STORY_PUMP_MS = 10;

export interface StoryOptions {
  game: StoryGame;
  send: ServerSend;
  /** The machine's clock (the game's too), ms. */
  now: () => number;
  /** Tells the player something (stdout line of the sidecar). */
  say?: (line: string) => void;
  /** A player's name by peer id (for the HUD). */
  nameOf?: (peerId: number) => string;
}

export class Story {
  readonly clock: ClockLink;
  readonly cine: CineFollower;
  readonly dialogue: DialogueLink;
  readonly spectate: SpectateLink;
  #peerId = 0;
  #pump: NodeJS.Timeout | null = null;
  readonly #say: (line: string) => void;

  constructor(o: StoryOptions) {
    this.#say = o.say ?? (() => undefined);
    this.clock = new ClockLink({ game: o.game, send: o.send, now: o.now });
    const clock = () => this.clock.clock;
    const myPeerId = () => this.#peerId;
    this.cine = new CineFollower({ game: o.game, send: o.send, clock, myPeerId, now: o.now });
    this.spectate = new SpectateLink({ game: o.game, send: o.send, now: o.now });
    this.dialogue = new DialogueLink({ game: o.game, send: o.send, myPeerId, nameOf: o.nameOf ?? ((id) => `player ${id}`) });
  }

  /** Welcome: a new server session. */
  joined(peerId: number): void {
    this.#peerId = peerId;
    this.clock.start();
    if (!this.#pump) {
      this.#pump = setInterval(() => this.cine.pump(), STORY_PUMP_MS);
      this.#pump.unref();
    }
  }

  /** A server message the core session did not handle; true when it was story's. */
  message(kind: string, m: EMsg): boolean {
    if (kind === 'clockReply') { this.clock.reply(m.clockReply ?? {}); return true; }
    if (kind === 'storyRefused') {
      const r = m.storyRefused ?? {};
      this.#say(`server refused (${r.topic ?? '?'}: ${r.reason ?? '?'}): ${r.text ?? ''}`);
      if (r.topic === 'dialog') this.dialogue.refused(r.reason ?? '');
      if (r.topic === 'spectate') this.spectate.refused(r.reason ?? '');
      return true;
    }
    return this.cine.message(kind, m) || this.dialogue.message(kind, m) || this.spectate.message(kind, m);
  }

  /** The link to the server is gone (re-join, kick or quit). */
  left(reason = 'disconnected'): void {
    this.spectate.left(reason);
    this.clock.stop();
    this.cine.reset();
  }

  close(): void {
    if (this.#pump) clearInterval(this.#pump);
    this.#pump = null;
    this.clock.close();
    this.cine.close();
    this.dialogue.close();
    this.spectate.close();
  }
}
