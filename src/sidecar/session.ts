// The sidecar's side of a server connection, transport-free: handshake (Hello → Challenge →
// Proof → Welcome | Refused), interest (spawn/despawn), snapshots (decode, ack, interpolate),
// tick-rate changes, chat. The transport hands it bytes; it hands back bytes to send. Its
// options and the events it emits: client-options.ts.
import { decodeMsg, encodeMsg } from '../protocol/codec.js';
import { encodePlayerStateMsg } from '../protocol/input-envelope.js';
import { decodeSnapshotEnvelope, snapshotEnvelopeOf, type SnapshotEnvelope } from '../protocol/snapshot-envelope.js';
import { PROTOCOL_VERSION, CHANNEL_RELIABLE, CHANNEL_SNAPSHOT, interpDelayForTick } from '../protocol/constants.js';
import { signChallenge } from '../protocol/identity.js';
import { passwordProof } from '../protocol/password-proof.js';
import type { EMsg, EntityInfo, PlayerState } from '../protocol/schema.gen.js';
import type { ClientEvents, CoopClientOptions } from './client-options.js';
import { SnapshotReceiver } from './snapshot-receiver.js';
import { SnapshotInterpolator, type InterpolatedEntity } from './interpolator.js';

export const ClientState = { IDLE: 0, AWAIT_CHALLENGE: 1, AWAIT_WELCOME: 2, IN_WORLD: 3, REFUSED: 4, CLOSED: 5 } as const;
export type ClientStateValue = (typeof ClientState)[keyof typeof ClientState];
export const CLIENT_STATE_NAMES: Record<ClientStateValue, string> = {
  0: 'idle',
  1: 'await-challenge',
  2: 'await-welcome',
  3: 'in-world',
  4: 'refused',
  5: 'closed',
};

export class CoopClient {
  /** Replaced by reset(): a new server session starts a new snapshot history and timeline. */
  receiver = new SnapshotReceiver();
  interp: SnapshotInterpolator;
  readonly known = new Map<number, EntityInfo>();
  peerId = 0;
  tickMs = 0;
  closeReason = '';
  /** RefuseCode of the server's Refused (0 until refused). */
  refuseCode = 0;
  drops = 0;
  #state: ClientStateValue = ClientState.IDLE;
  #seq = 0;
  readonly #visible: InterpolatedEntity[] = [];
  /** The newest snapshot tick not yet acked (ackWithInput; always above 0), or -1. */
  #pendingAck = -1;
  /** The input's envelope, reused (the transport copies what it queues); bigger than any
   * PlayerState envelope (at most 65 bytes). */
  readonly #inputBuf = { buf: new Uint8Array(128) };
  readonly #o: CoopClientOptions;
  readonly #ev: ClientEvents;

  constructor(opts: CoopClientOptions) {
    this.#o = opts;
    this.#ev = opts.events ?? {};
    this.interp = new SnapshotInterpolator(undefined, opts.interpDelayMs ?? null);
  }

  get state(): ClientStateValue {
    return this.#state;
  }
  get stateName(): string {
    return CLIENT_STATE_NAMES[this.#state];
  }

  #setState(to: ClientStateValue): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#ev.state?.(from, to);
  }

  #send(msg: EMsg, channel = CHANNEL_RELIABLE): void {
    this.#o.send(channel, encodeMsg(msg), channel === CHANNEL_RELIABLE);
  }

  /**
   * Forgets the server session after the link was lost (not after a refusal or a goodbye):
   * back to IDLE with no known entities, so start() can join again on a new link. The caller
   * despawns the game's proxies (Sidecar.forgetAll).
   */
  reset(): void {
    if (this.#state === ClientState.REFUSED || this.#state === ClientState.CLOSED) return;
    this.#forget();
  }

  /**
   * The player picked another server: a goodbye to this one (when in the world), then back to
   * IDLE from any state, a refusal included, so start() can join the next one.
   */
  leave(reason = 'switching server'): void {
    if (this.#state === ClientState.IN_WORLD) this.#send({ disconnect: { code: 5, reason } });
    this.#forget();
  }

  #forget(): void {
    this.known.clear();
    this.receiver.close(); // its history is C memory: freed now, not when collected
    this.receiver = new SnapshotReceiver();
    this.interp.close(); // the same: its held states are C memory
    this.interp = new SnapshotInterpolator(undefined, this.#o.interpDelayMs ?? null);
    this.#pendingAck = -1;
    this.peerId = 0;
    this.#setState(ClientState.IDLE);
  }

  /** PlayerState.seq last sent: the native path numbers the inputs while in the world and hands
   * the count back (native-path.ts). */
  get inputSeq(): number {
    return this.#seq;
  }
  set inputSeq(seq: number) {
    this.#seq = seq;
  }

  /** Starts the handshake with where the avatar is now. */
  start(initial: PlayerState): void {
    this.#setState(ClientState.AWAIT_CHALLENGE);
    this.#send({
      hello: {
        protocolVersion: this.#o.protocolVersion ?? PROTOCOL_VERSION,
        name: this.#o.name,
        publicKey: this.#o.identity.publicKeyRaw,
        sessionId: this.#o.sessionId ?? '',
        clientVersion: '0.1.0',
        initialState: initial,
      },
    });
  }

  /** Sends the player's state with the held snapshot ack in it (ack_tick, 0 = none): one message.
   * Encoded by hand (input-envelope.ts): protobufjs's reflection cost more than the rest of the send. */
  sendPlayerState(ps: Omit<PlayerState, 'seq' | 'ackTick'>): void {
    if (this.#state !== ClientState.IN_WORLD) return;
    const ackTick = this.#pendingAck > 0 ? this.#pendingAck : 0;
    this.#pendingAck = -1;
    const bytes = encodePlayerStateMsg({ ...ps, seq: ++this.#seq, ackTick }, this.#inputBuf);
    this.#o.send(CHANNEL_SNAPSHOT, bytes, false);
  }

  /** Sends the held snapshot ack on its own (SnapshotAck), if any: for when no input goes to carry it. */
  flushAck(): void {
    if (this.#pendingAck < 0) return;
    const tick = this.#pendingAck;
    this.#pendingAck = -1;
    if (this.#state === ClientState.IN_WORLD) this.#send({ snapshotAck: { tick } }, CHANNEL_SNAPSHOT);
  }

  sendChat(text: string): void {
    if (this.#state === ClientState.IN_WORLD) this.#send({ chat: { text } });
  }
  sendRaw(msg: EMsg, channel = CHANNEL_RELIABLE): void {
    this.#send(msg, channel);
  }

  quit(reason = 'player quit'): void {
    if (this.#state === ClientState.IN_WORLD) this.#send({ disconnect: { code: 5, reason } });
    this.#setState(ClientState.CLOSED);
  }

  /** Interpolated entities the game should show now (only those spawned via InterestAdd); the
   * array and its objects are reused by the next call. */
  sample(nowMs: number): InterpolatedEntity[] {
    const out = this.#visible;
    out.length = 0;
    for (const e of this.interp.sample(nowMs)) if (this.known.has(e.id)) out.push(e);
    return out;
  }

  receive(bytes: Uint8Array): void {
    // Snapshots, 40 a second, are read by hand; anything else (or anything odd) by the codec.
    const snap = decodeSnapshotEnvelope(bytes);
    if (snap) {
      if (this.#state === ClientState.IN_WORLD) this.#snapshot(snap);
      else this.drops++;
      return;
    }
    const d = decodeMsg(bytes);
    if (!d.ok) {
      this.drops++;
      return;
    }
    const m = d.msg;
    switch (d.kind) {
      case 'challenge':
        if (this.#state !== ClientState.AWAIT_CHALLENGE) {
          this.drops++;
          return;
        }
        this.#setState(ClientState.AWAIT_WELCOME);
        this.#send({ proof: this.#proof(m.challenge!.nonce ?? new Uint8Array(0), m.challenge!.sessionId ?? '') });
        return;
      case 'welcome': {
        if (this.#state !== ClientState.AWAIT_WELCOME) {
          this.drops++;
          return;
        }
        const w = m.welcome!;
        this.peerId = w.peerId ?? 0;
        this.tickMs = w.tickMs ?? 25;
        this.interp.onTickRateChange(this.tickMs);
        this.#setState(ClientState.IN_WORLD);
        this.#ev.welcome?.({ peerId: this.peerId, identity: w.identity ?? '', avatarEntityId: w.avatarEntityId ?? 0, tickMs: this.tickMs });
        return;
      }
      case 'refused': {
        const r = m.refused!;
        this.refuseCode = r.code ?? 0;
        this.closeReason = `refused by server: ${r.reason ?? ''} (server protocol ${r.serverProtocolVersion ?? '?'}, ours ${PROTOCOL_VERSION})`;
        this.#setState(ClientState.REFUSED);
        this.#ev.closed?.(this.closeReason);
        return;
      }
      case 'disconnect':
        this.closeReason = `disconnected by server: ${m.disconnect?.reason ?? ''}`;
        this.#setState(ClientState.CLOSED);
        this.#ev.closed?.(this.closeReason);
        return;
      default:
        if (this.#state === ClientState.IN_WORLD) this.#inWorld(d.kind, m);
        else this.drops++;
    }
  }

  #proof(nonce: Uint8Array, sessionId: string): NonNullable<EMsg['proof']> {
    const signature = signChallenge(this.#o.identity, nonce, sessionId);
    const pw = this.#o.password;
    return pw === undefined ? { signature } : { signature, passwordProof: passwordProof(pw, nonce, sessionId) };
  }

  #snapshot(s: SnapshotEnvelope): void {
    if (this.#o.snapshotSink?.(s)) return; // the native path's thread holds the history
    // Decoded into C memory and taken from there by the C interpolator: no copy through JS.
    if (this.receiver.decode(s.tick, s.baseTick, s.data) !== null) {
      this.drops++;
      return;
    }
    const now = this.#o.now();
    this.interp.pushFrom(s.serverTimeMs, this.receiver, s.tick, now, this.#o.arrivalKnown?.() ?? true);
    if (s.tick === this.receiver.newestTick) {
      // Tick 0 (never a server's: its ticks start at 1) could not ride as ack_tick, where 0 is none.
      if (this.#o.ackWithInput && s.tick > 0) this.#pendingAck = s.tick;
      else this.#send({ snapshotAck: { tick: s.tick } }, CHANNEL_SNAPSHOT);
    }
    this.#ev.snapshot?.(s.tick, s.inputLeadUs);
  }

  #inWorld(kind: string, m: EMsg): void {
    switch (kind) {
      case 'interestAdd':
        for (const e of m.interestAdd?.entities ?? []) {
          const id = e.id ?? 0;
          if (this.known.has(id)) continue;
          this.known.set(id, e);
          this.#ev.spawn?.({ id, kind: e.kind ?? 0, name: e.name ?? '', ownerPeerId: e.ownerPeerId ?? 0 });
        }
        return;
      case 'interestRemove':
        for (const id of m.interestRemove?.ids ?? []) if (this.known.delete(id)) this.#ev.despawn?.(id);
        return;
      case 'snapshot': {
        // written otherwise than our server writes it (field order, repeats): as the codec read it
        this.#snapshot(snapshotEnvelopeOf(m.snapshot!));
        return;
      }
      case 'tickRateChange': {
        this.tickMs = m.tickRateChange?.tickMs ?? this.tickMs;
        this.interp.onTickRateChange(this.tickMs);
        this.#ev.tickRate?.(this.tickMs, interpDelayForTick(this.tickMs));
        return;
      }
      case 'chat':
        this.#ev.chat?.(m.chat?.fromPeerId ?? 0, m.chat?.fromName ?? '', m.chat?.text ?? '');
        return;
      case 'notice':
        this.#ev.notice?.(m.notice?.text ?? '', m.notice?.level ?? 0);
        return;
      default:
        this.#ev.other?.(kind, m);
    }
  }
}
