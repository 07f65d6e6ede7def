// CC-3 in the sidecar: the game's wheel (UIInteractionsDef: DialogChoiceHubs) goes to the server
// as DialogWheel; the server's wheels come back to the game — read-only for listeners, who may
// send a suggestion, interactive for the chooser (also when the wheel was handed over). The
// chooser's pick goes up as DialogChoice and every game, the chooser's too, advances only on the
// server's accepted DialogChoice (DialogueAdvance, no UI), so all branch the same way.
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { ServerSend, StoryGame } from './game-port.js';

/**
 * A pick also goes up once more, unreliably, this much later (its own datagram): if the reliable
 * copy is lost the pick still arrives without waiting for ENet's resend, ms.
 */
export const DIALOG_PICK_COPY_MS = 15;
/** Advances remembered to drop the second copy of each (enough for a long conversation). */
const ADVANCED_MEMORY = 64;

interface Asked {
  conversationId: number;
  hubId: number;
  choiceIndex: number;
}

export class DialogueLink {
  readonly #game: StoryGame;
  readonly #send: ServerSend;
  readonly #myPeerId: () => number;
  readonly #nameOf: (peerId: number) => string;
  readonly #offs: Array<() => void> = [];
  /** Hubs this game showed itself (its own wheel: no remote copy needed). */
  readonly #own = new Set<string>();
  #asked: Asked | null = null;
  /** Wheels shown and not yet advanced or ended (conversation/hub). */
  readonly #open = new Set<string>();
  readonly #advanced: string[] = [];
  #pickSeq = 0;

  constructor(o: { game: StoryGame; send: ServerSend; myPeerId: () => number; nameOf: (peerId: number) => string }) {
    this.#game = o.game;
    this.#send = o.send;
    this.#myPeerId = o.myPeerId;
    this.#nameOf = o.nameOf;
    const up = (msg: EMsg) => this.#send(msg, CHANNEL_RELIABLE);
    this.#offs.push(
      o.game.on('DialogueWheelShown', (m) => {
        this.#own.add(`${m.conversationId}/${m.hubId}`);
        up({ dialogWheel: { dialogId: m.conversationId, hubId: m.hubId, choices: m.choices.map((c) => c.text) } });
      }),
      o.game.on('DialogueChoiceSelected', (m) => {
        this.#asked = { conversationId: m.conversationId, hubId: m.hubId, choiceIndex: m.choiceIndex };
        this.#pickSeq = (this.#pickSeq % 0xffff_fffe) + 1;
        const pick: EMsg = { dialogChoice: { dialogId: m.conversationId, hubId: m.hubId, choiceIdx: m.choiceIndex, pickSeq: this.#pickSeq } };
        up(pick);
        setTimeout(() => this.#send(pick, CHANNEL_SNAPSHOT), DIALOG_PICK_COPY_MS).unref();
      }),
      o.game.on('DialogueSuggest', (m) => {
        this.#asked = { conversationId: m.conversationId, hubId: m.hubId, choiceIndex: m.choiceIndex };
        up({ dialogSuggest: { dialogId: m.conversationId, hubId: m.hubId, choiceIdx: m.choiceIndex } });
      }),
      o.game.on('DialogueEnded', (m) => {
        up({ dialogEnd: { dialogId: m.conversationId, reason: m.reason } });
      }),
    );
  }

  /** Server messages for dialogue; true when handled. */
  message(kind: string, m: EMsg): boolean {
    switch (kind) {
      case 'dialogWheel': {
        const w = m.dialogWheel ?? {};
        const conversationId = w.dialogId ?? 0,
          hubId = w.hubId ?? 0,
          chooser = w.chooserPeerId ?? 0;
        const mine = chooser === this.#myPeerId();
        const key = `${conversationId}/${hubId}`;
        this.#opened(key);
        if (mine && this.#own.has(key)) return true; // the game shows it already
        const choices = (w.choices ?? []).map((text, index) => ({ index, text, flags: 0 }));
        this.#game.trySend('DialogueWheelRemote', { conversationId, hubId, choices, chooserName: this.#nameOf(chooser), readOnly: !mine });
        return true;
      }
      case 'dialogChoice': {
        const c = m.dialogChoice ?? {};
        const key = `${c.dialogId ?? 0}/${c.hubId ?? 0}`;
        this.#open.delete(key);
        if (this.#advanced.includes(key)) return true; // the second copy
        this.#advanced.push(key);
        if (this.#advanced.length > ADVANCED_MEMORY) this.#advanced.shift();
        this.#game.trySend('DialogueAdvance', { conversationId: c.dialogId ?? 0, hubId: c.hubId ?? 0, choiceIndex: c.choiceIdx ?? 0 });
        return true;
      }
      case 'dialogSuggest': {
        const s = m.dialogSuggest ?? {};
        this.#game.trySend('DialogueSuggestion', {
          conversationId: s.dialogId ?? 0,
          hubId: s.hubId ?? 0,
          choiceIndex: s.choiceIdx ?? 0,
          fromName: this.#nameOf(s.fromPeerId ?? 0),
        });
        return true;
      }
      case 'dialogEnd': {
        const e = m.dialogEnd ?? {};
        forgetConversation(this.#own, e.dialogId ?? 0);
        forgetConversation(this.#open, e.dialogId ?? 0);
        this.#game.trySend('DialogueEnded', { conversationId: e.dialogId ?? 0, reason: e.reason ?? '' });
        return true;
      }
      default:
        return false;
    }
  }

  /** A wheel is open: its advance is awaited (a paced sidecar then reads the socket as datagrams come). */
  get open(): boolean {
    return this.#open.size > 0;
  }

  #opened(key: string): void {
    this.#open.add(key);
    // a wheel whose end never came does not count for ever
    if (this.#open.size > ADVANCED_MEMORY) this.#open.delete(this.#open.values().next().value as string);
  }

  /** The server refused this game's last pick or suggestion: tell the game which and why. */
  refused(reason: string): void {
    const a = this.#asked ?? { conversationId: 0, hubId: 0, choiceIndex: 0 };
    this.#game.trySend('DialogueRefused', { ...a, reason });
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}

/** Drops every conversation/hub key of one conversation. */
function forgetConversation(keys: Set<string>, dialogId: number): void {
  for (const k of [...keys]) if (k.startsWith(`${dialogId}/`)) keys.delete(k);
}
