// CC-3 on the server: one chooser per conversation — the player whose game opened it (the
// listen-in model of Baldur's Gate 3 and DOS2's observers): the others see the wheel read-only
// and may suggest. The chooser's pick is checked (chooser, current hub, still open, index in
// range) and the first valid one is sent to everyone, whose games all advance to it; later or
// invalid picks are refused with their reason. If the chooser leaves mid-conversation the
// player with the lowest peer id takes the wheel over (nobody is left in a scene that cannot
// advance); with nobody left the conversation is dropped.
import type { EMsg } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import { CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import { DIALOG_ACTIVE_MAX, DIALOG_CHOICES_MAX, DIALOG_REDUNDANT_COPY_MS, DIALOG_CHOICE_TEXT_MAX_CHARS, DIALOG_SUGGEST_MAX_PER_S } from './constants.js';
import type { StoryRejections } from './rejections.js';

export const HubState = { OPEN: 0, CHOSEN: 1 } as const;
export type HubStateValue = (typeof HubState)[keyof typeof HubState];
export const HUB_STATE_NAMES: Record<HubStateValue, string> = { 0: 'open', 1: 'chosen' };

export interface Conversation {
  readonly dialogId: number;
  chooserPeerId: number;
  hubId: number;
  choices: string[];
  state: HubStateValue;
  chosenIdx: number;
}

export interface DialogueDeps {
  now: () => number;
  rejections: StoryRejections;
  send: (conn: Connection, msg: EMsg) => void;
  broadcast: (msg: EMsg, channel?: number) => void;
  /** Runs fn after ms (the redundant copy); default setTimeout. */
  later?: (ms: number, fn: () => void) => void;
  /** In-world peers, to pick a new chooser. */
  peers: () => Connection[];
  connection: (peerId: number) => Connection | undefined;
  log?: (fields: object, msg: string) => void;
}

/** Pick numbers remembered per peer to drop a pick's redundant copy (whichever copy comes second). */
export const DIALOG_PICK_SEQ_MEMORY = 16;

export class DialogueDirector {
  readonly #d: DialogueDeps;
  readonly #convs = new Map<number, Conversation>();
  /** Each peer's recent pick numbers, to drop the second copy of a pick. */
  readonly #picks = new Map<number, number[]>();

  constructor(deps: DialogueDeps) {
    this.#d = deps;
  }

  get conversations(): ReadonlyMap<number, Conversation> {
    return this.#convs;
  }

  /** The single writer of a hub's state (STYLE.md #4). */
  #setState(c: Conversation, to: HubStateValue, chosenIdx = -1): void {
    this.#d.log?.(
      { event: 'dialog.state', dialogId: c.dialogId, hubId: c.hubId, from: HUB_STATE_NAMES[c.state], to: HUB_STATE_NAMES[to], chosenIdx },
      'dialogue hub state',
    );
    c.state = to;
    c.chosenIdx = chosenIdx;
  }

  #reject(conn: Connection, reason: string, text: string): void {
    this.#d.rejections.reject(conn, 'dialog', reason, text);
  }

  wheel(conn: Connection, m: NonNullable<EMsg['dialogWheel']>): void {
    const dialogId = m.dialogId ?? 0,
      hubId = m.hubId ?? 0,
      choices = m.choices ?? [];
    if (dialogId === 0 || hubId === 0) {
      this.#reject(conn, 'bad_wheel', 'dialog and hub ids must be non-zero');
      return;
    }
    if (choices.length === 0 || choices.length > DIALOG_CHOICES_MAX || choices.some((t) => t.length > DIALOG_CHOICE_TEXT_MAX_CHARS)) {
      this.#reject(conn, 'bad_wheel', `a wheel has 1..${DIALOG_CHOICES_MAX} choices of at most ${DIALOG_CHOICE_TEXT_MAX_CHARS} characters`);
      return;
    }
    let c = this.#convs.get(dialogId);
    if (c && c.chooserPeerId !== conn.peerId) {
      this.#reject(conn, 'not_chooser', `peer ${c.chooserPeerId} leads conversation ${dialogId}`);
      return;
    }
    if (c && c.hubId === hubId) return; // the same wheel again (the game re-sent it)
    if (!c) {
      if (this.#convs.size >= DIALOG_ACTIVE_MAX) {
        this.#reject(conn, 'too_many_conversations', `${DIALOG_ACTIVE_MAX} conversations are already open`);
        return;
      }
      c = { dialogId, chooserPeerId: conn.peerId, hubId, choices, state: HubState.OPEN, chosenIdx: -1 };
      this.#convs.set(dialogId, c);
    } else {
      c.hubId = hubId;
      c.choices = choices;
      this.#setState(c, HubState.OPEN);
    }
    this.#d.broadcast({ dialogWheel: { dialogId, hubId, choices, chooserPeerId: c.chooserPeerId } });
  }

  choice(conn: Connection, m: NonNullable<EMsg['dialogChoice']>): void {
    const idx = m.choiceIdx ?? 0,
      seq = m.pickSeq ?? 0;
    if (seq !== 0) {
      const seen = this.#picks.get(conn.peerId) ?? [];
      if (seen.includes(seq)) return; // the other copy of a pick already answered
      seen.push(seq);
      if (seen.length > DIALOG_PICK_SEQ_MEMORY) seen.shift();
      this.#picks.set(conn.peerId, seen);
    }
    const c = this.#current(conn, m.dialogId ?? 0, m.hubId ?? 0);
    if (!c) return;
    if (c.chooserPeerId !== conn.peerId) {
      this.#reject(conn, 'not_chooser', `only peer ${c.chooserPeerId} picks in conversation ${c.dialogId}; send a suggestion`);
      return;
    }
    if (c.state === HubState.CHOSEN) {
      this.#reject(conn, 'already_chosen', `choice ${c.chosenIdx} was already picked on hub ${c.hubId}`);
      return;
    }
    if (idx >= c.choices.length) {
      this.#reject(conn, 'bad_index', `choice ${idx} is out of range 0..${c.choices.length - 1}`);
      return;
    }
    this.#setState(c, HubState.CHOSEN, idx);
    const msg: EMsg = { dialogChoice: { dialogId: c.dialogId, hubId: c.hubId, choiceIdx: idx, fromPeerId: conn.peerId } };
    this.#d.broadcast(msg);
    (this.#d.later ?? ((ms, fn) => void setTimeout(fn, ms)))(DIALOG_REDUNDANT_COPY_MS, () => this.#d.broadcast(msg, CHANNEL_SNAPSHOT));
  }

  suggest(conn: Connection, m: NonNullable<EMsg['dialogSuggest']>): void {
    const c = this.#current(conn, m.dialogId ?? 0, m.hubId ?? 0);
    if (!c) return;
    const idx = m.choiceIdx ?? 0;
    if (c.chooserPeerId === conn.peerId) {
      this.#reject(conn, 'chooser_suggests', 'the chooser picks instead of suggesting');
      return;
    }
    if (c.state !== HubState.OPEN) {
      this.#reject(conn, 'already_chosen', `choice ${c.chosenIdx} was already picked on hub ${c.hubId}`);
      return;
    }
    if (idx >= c.choices.length) {
      this.#reject(conn, 'bad_index', `choice ${idx} is out of range 0..${c.choices.length - 1}`);
      return;
    }
    if (!this.#d.rejections.allow(conn, 'dialog_suggest', DIALOG_SUGGEST_MAX_PER_S, this.#d.now())) {
      this.#d.rejections.reject(conn, 'dialog', 'suggest_flood', 'too many suggestions', true);
      return;
    }
    const chooser = this.#d.connection(c.chooserPeerId);
    if (chooser) this.#d.send(chooser, { dialogSuggest: { dialogId: c.dialogId, hubId: c.hubId, choiceIdx: idx, fromPeerId: conn.peerId } });
  }

  end(conn: Connection, m: NonNullable<EMsg['dialogEnd']>): void {
    const c = this.#convs.get(m.dialogId ?? 0);
    if (!c) {
      this.#reject(conn, 'no_conversation', `no conversation ${m.dialogId ?? 0}`);
      return;
    }
    if (c.chooserPeerId !== conn.peerId) {
      this.#reject(conn, 'not_chooser', `only peer ${c.chooserPeerId} ends conversation ${c.dialogId}`);
      return;
    }
    this.#convs.delete(c.dialogId);
    this.#d.broadcast({ dialogEnd: { dialogId: c.dialogId, reason: 'ended' } });
  }

  /** The conversation if (dialogId, hubId) names its current hub; else refuses and returns null. */
  #current(conn: Connection, dialogId: number, hubId: number): Conversation | null {
    const c = this.#convs.get(dialogId);
    if (!c) {
      this.#reject(conn, 'no_conversation', `no conversation ${dialogId}`);
      return null;
    }
    if (c.hubId !== hubId) {
      this.#reject(conn, 'stale_hub', `hub ${hubId} is over; conversation ${dialogId} is at hub ${c.hubId}`);
      return null;
    }
    return c;
  }

  /** Late joiners see the open wheels. */
  joined(conn: Connection): void {
    for (const c of this.#convs.values())
      this.#d.send(conn, { dialogWheel: { dialogId: c.dialogId, hubId: c.hubId, choices: c.choices, chooserPeerId: c.chooserPeerId } });
  }

  /** The chooser left: the lowest remaining peer id takes the wheel over. */
  left(conn: Connection): void {
    this.#picks.delete(conn.peerId);
    for (const c of [...this.#convs.values()]) {
      if (c.chooserPeerId !== conn.peerId) continue;
      const next = this.#d
        .peers()
        .filter((p) => p.peerId !== conn.peerId)
        .sort((a, b) => a.peerId - b.peerId)[0];
      if (!next) {
        this.#convs.delete(c.dialogId);
        continue;
      }
      c.chooserPeerId = next.peerId;
      this.#d.broadcast({ dialogWheel: { dialogId: c.dialogId, hubId: c.hubId, choices: c.choices, chooserPeerId: c.chooserPeerId } });
    }
  }
}
