// Story sync in the sidecar: one object the sidecar's main wires to the bridge and the server
// connection. It owns the server clock (clock-link.ts) and hands server messages to the part
// they belong to: cinematics (cine-follower.ts), dialogue (dialogue-link.ts), spectator
// (spectate-link.ts), visemes (viseme-sender.ts, viseme-playout.ts, voice-visemes.ts).
import type { EMsg } from '../../protocol/schema.gen.js';
import { ClockLink, type ClockLinkTimers } from './clock-link.js';
import { CineFollower } from './cine-follower.js';
import { DialogueLink } from './dialogue-link.js';
import { SpectateLink } from './spectate-link.js';
import { VisemeSender } from './viseme-sender.js';
import { VisemePlayout } from './viseme-playout.js';
import { VoiceVisemes } from './voice-visemes.js';
import type { ServerSend, StoryGame } from './game-port.js';

/** How often time-driven story work runs (pending seeks, viseme playout), ms; only while
 * there is some: the pump starts with the server message that queues it and stops when done. */
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
  /** A player's avatar entity id by peer id (their mouth), undefined when not in view. */
  avatarOf?: (peerId: number) => number | undefined;
  /** Story now waits for a server message whose arrival time or latency counts (see `prompt`). */
  onPrompt?: () => void;
  /** The clock probes' and reports' timers (default Node's). */
  clockTimers?: ClockLinkTimers;
}

export class Story {
  readonly clock: ClockLink;
  readonly cine: CineFollower;
  readonly dialogue: DialogueLink;
  readonly spectate: SpectateLink;
  readonly visemesOut: VisemeSender;
  readonly visemesIn: VisemePlayout;
  readonly voiceMouths: VoiceVisemes;
  #peerId = 0;
  #pump: NodeJS.Timeout | null = null;
  readonly #say: (line: string) => void;

  constructor(o: StoryOptions) {
    this.#say = o.say ?? (() => undefined);
    this.clock = new ClockLink({ game: o.game, send: o.send, now: o.now, onProbe: o.onPrompt, timers: o.clockTimers });
    const clock = () => this.clock.clock;
    const myPeerId = () => this.#peerId;
    this.cine = new CineFollower({ game: o.game, send: o.send, clock, myPeerId, now: o.now });
    this.visemesOut = new VisemeSender({ game: o.game, send: o.send, clock });
    this.visemesIn = new VisemePlayout({ game: o.game });
    this.voiceMouths = new VoiceVisemes({
      avatarOf: o.avatarOf ?? (() => undefined),
      show: (npcId, visemeId) => o.game.trySend('VisemePlay', { npcId, visemeId, serverTimeMs: this.clock.clock.serverNow() || 0 }),
    });
    this.spectate = new SpectateLink({ game: o.game, send: o.send, now: o.now });
    this.dialogue = new DialogueLink({ game: o.game, send: o.send, myPeerId, nameOf: o.nameOf ?? ((id) => `player ${id}`) });
  }

  /**
   * Whether story sync waits for server messages that must not wait for a paced tick
   * (receive-gate.ts): a clock probe's reply (its arrival time is the measurement), the advance
   * of an open dialogue wheel, anything of a cutscene being followed.
   */
  get prompt(): boolean {
    return this.clock.clock.awaitingReply || this.dialogue.open || this.cine.following.size > 0;
  }

  /** Welcome: a new server session. */
  joined(peerId: number): void {
    this.#peerId = peerId;
    this.clock.start();
    this.visemesOut.start();
  }

  /** Runs the pump while seeks or visemes wait. */
  #kick(): void {
    if (this.#pump || !(this.cine.pending || this.visemesIn.pending)) return;
    this.#pump = setInterval(() => {
      this.cine.pump();
      this.visemesIn.pump(this.clock.clock.serverNow());
      if (!this.cine.pending && !this.visemesIn.pending && this.#pump) {
        clearInterval(this.#pump);
        this.#pump = null;
      }
    }, STORY_PUMP_MS);
    this.#pump.unref();
  }

  /** A server message the core session did not handle; true when it was story's. */
  message(kind: string, m: EMsg): boolean {
    const mine = this.#message(kind, m);
    if (mine) this.#kick();
    return mine;
  }

  #message(kind: string, m: EMsg): boolean {
    if (kind === 'clockReply') {
      this.clock.reply(m.clockReply ?? {});
      return true;
    }
    if (kind === 'storyRefused') {
      const r = m.storyRefused ?? {};
      this.#say(`server refused (${r.topic ?? '?'}: ${r.reason ?? '?'}): ${r.text ?? ''}`);
      if (r.topic === 'dialog') this.dialogue.refused(r.reason ?? '');
      if (r.topic === 'spectate') this.spectate.refused(r.reason ?? '');
      return true;
    }
    if (kind === 'visemeBatch') {
      const b = m.visemeBatch ?? {};
      const now = this.clock.clock.serverNow();
      for (const e of b.events ?? []) this.visemesIn.push(b.npcId ?? 0, e.visemeId ?? 0, e.timeMs ?? NaN, now);
      return true;
    }
    return this.cine.message(kind, m) || this.dialogue.message(kind, m) || this.spectate.message(kind, m);
  }

  /** The link to the server is gone (re-join, kick or quit). */
  left(reason = 'disconnected'): void {
    this.spectate.left(reason);
    this.visemesOut.stop();
    this.visemesIn.clear();
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
    this.visemesOut.close();
  }

  /** A remote player's decoded voice frame, being played now: their avatar's mouth. */
  voiceFrame(peerId: number, pcm: Int16Array): void {
    this.voiceMouths.frame(peerId, pcm);
  }
}
