// One connected peer: handshake state (single writer: setState), identity, avatar, interest,
// snapshot history, and per-reason counted drops.
import type { PeerNetView } from './admin/session-view.js';
import { InterestState } from './interest.js';
import { ClientSnapshots } from './snapshot-writer.js';
import type { TickClient } from './tick-pipeline.js';
import type { EntityPose } from './world.js';
import { ChatRateGate } from './chat-rate.js';
import { BAD_MESSAGE_LIMIT, BAD_MESSAGE_WINDOW_MS, type DropReason } from './constants.js';
import { TokenBucket, perWindow } from '../util/rate-limit.js';

/** What the server needs of a transport peer (ENet today; anything datagram-shaped tomorrow). */
export interface PeerLink {
  /** Best effort; never throws. `bytes` may be a view the server reuses: copy what you queue. */
  send(channel: number, bytes: Uint8Array, reliable: boolean): void;
  /** Closes the link after queued reliable data is sent. */
  close(): void;
  /**
   * Drops the link now, freeing its transport slot (evicting an unauthenticated connection);
   * nothing queued is sent and no gone-event follows. Absent: close() is used.
   */
  abort?(): void;
  /** Round-trip time as the transport measures it, ms. */
  readonly pingMs: number;
  readonly address: string;
  /** Path and bytes of the connection (dashboard); absent when the transport cannot say. */
  net?(): PeerNetView | undefined;
}

export const ConnState = { AWAIT_HELLO: 0, AWAIT_PROOF: 1, IN_WORLD: 2, CLOSED: 3 } as const;
export type ConnStateValue = (typeof ConnState)[keyof typeof ConnState];
export const CONN_STATE_NAMES: Record<ConnStateValue, string> = { 0: 'await-hello', 1: 'await-proof', 2: 'in-world', 3: 'closed' };

/** Game mode names as PlayerState.mode numbers them. */
export const MODE_NAMES = ['play', 'vehicle', 'spectate', 'cinematic'] as const;

export class Connection implements TickClient {
  readonly peerId: number;
  readonly link: PeerLink;
  readonly connectedAtMs: number;
  #state: ConnStateValue = ConnState.AWAIT_HELLO;
  name = '';
  identity = '';
  publicKey: Uint8Array = new Uint8Array(0);
  nonce: Uint8Array = new Uint8Array(0);
  avatarId = 0;
  mode = 0;
  lastInputSeq = -1;
  /** The last pose the client reported and when it arrived (server ms). */
  reported: EntityPose | null = null;
  reportedAtMs = 0;
  /** When the newest PlayerState arrived (server ms): its lead on the next tick goes back in the snapshot. */
  inputArrivedMs = -Infinity;
  /** server time − client time, min-filtered (see CLIENT_CLOCK_CREEP_MS_PER_S); null until known. */
  clockOffsetMs: number | null = null;
  clockOffsetAtMs = 0;
  /** Interest centre instead of the avatar: a spectator's camera (SA-1); null = the avatar. */
  view: { x: number; y: number } | null = null;
  readonly interest = new InterestState();
  readonly snaps = new ClientSnapshots();
  readonly drops = new Map<DropReason, number>();
  dropsTotal = 0;
  readonly #badMessages: TokenBucket;
  /** Per-peer chat rate limit (chat-rate.ts). */
  readonly chatRate: ChatRateGate;
  /** Free-form slots for plugins (admin, voice, merge) keyed by plugin name. */
  readonly ext = new Map<string, unknown>();
  onStateChange: ((c: Connection, from: ConnStateValue, to: ConnStateValue) => void) | null = null;

  constructor(peerId: number, link: PeerLink, nowMs: number) {
    this.peerId = peerId;
    this.link = link;
    this.connectedAtMs = nowMs;
    this.#badMessages = new TokenBucket(perWindow(BAD_MESSAGE_LIMIT, BAD_MESSAGE_WINDOW_MS), nowMs);
    this.chatRate = new ChatRateGate(nowMs);
  }

  get state(): ConnStateValue {
    return this.#state;
  }
  get stateName(): string {
    return CONN_STATE_NAMES[this.#state];
  }
  get inWorld(): boolean {
    return this.#state === ConnState.IN_WORLD;
  }
  get modeName(): string {
    return MODE_NAMES[this.mode] ?? `mode-${this.mode}`;
  }

  setState(to: ConnStateValue): void {
    const from = this.#state;
    if (from === to || from === ConnState.CLOSED) return;
    this.#state = to;
    this.onStateChange?.(this, from, to);
  }

  /** Counts a dropped message; true when the peer is over the limit and must go. */
  countDrop(reason: DropReason, nowMs: number): boolean {
    this.countShed(reason);
    return !this.#badMessages.take(nowMs);
  }

  /** Counts a well-formed message shed by a rate limit: shown with the drops, never a reason to kick. */
  countShed(reason: DropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
    this.dropsTotal++;
  }
}
