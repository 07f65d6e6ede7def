// The cross-instance half of signalling: a joiner on this instance whose host is bound on another
// (and the reverse). Routes come from the store's bus (the session records its host's instance);
// replies that never come (the other instance died) time out into an ordinary refusal.
import { MASTER_MAX_PEERS_PER_SESSION, MASTER_RELAY_EARLY_MAX, MASTER_RELAY_MAX_PENDING, MASTER_RELAY_REPLY_TIMEOUT_MS } from './constants.js';
import type { RelayMessage, SignalBus } from './store/types.js';
import type { MasterStats } from './stats.js';
import type { ServerMessage, SignalData } from '../protocol/master-wire.js';

/** What the relay needs of the local hub: its host sockets, its joiners, and per-session counts. */
export interface LocalSide {
  sendToHost(sessionId: string, m: ServerMessage): boolean;
  sendToPeer(peerId: string, m: ServerMessage): boolean;
  closePeer(peerId: string, reason: string): void;
  /** Joiners (local and remote) waiting on a session hosted here. */
  peersOf(sessionId: string): number;
  addPeers(sessionId: string, delta: number): void;
}

export type RemoteJoin = { ok: true } | { ok: false; code: 'unknown_session' | 'session_full' };

export class SignalRelay {
  /** Joiners on other instances whose host is here: peer id → session and their instance. */
  readonly #remotePeers = new Map<string, { sid: string; inst: string }>();
  readonly #pending = new Map<string, (r: RemoteJoin) => void>();
  /**
   * Signals for joiners admitted by the host's instance but not registered here yet: 'joined'
   * and the host's first signal can arrive in one read, before the awaiting join has resumed.
   */
  readonly #early = new Map<string, SignalData[]>();

  constructor(
    private readonly bus: SignalBus,
    private readonly local: LocalSide,
    private readonly stats: MasterStats,
  ) {
    bus.onMessage((m) => this.#onMessage(m));
  }

  get instanceId(): string {
    return this.bus.instanceId;
  }

  /** Asks the host's instance to admit a joiner of this instance. */
  join(sid: string, peer: string, hostInst: string): Promise<RemoteJoin> {
    if (this.#pending.size >= MASTER_RELAY_MAX_PENDING) return Promise.resolve({ ok: false, code: 'session_full' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A late 'joined' would leave the host's instance counting a joiner that gave up: tell it.
        this.bus.send(hostInst, { k: 'left', sid, peer });
        finish({ ok: false, code: 'unknown_session' });
      }, MASTER_RELAY_REPLY_TIMEOUT_MS);
      const finish = (r: RemoteJoin): void => {
        clearTimeout(timer);
        this.#pending.delete(peer);
        resolve(r);
      };
      this.#pending.set(peer, finish);
      this.bus.send(hostInst, { k: 'join', sid, peer, from: this.bus.instanceId });
    });
  }

  /** The hub registered (or gave up on) a joiner admitted remotely: delivers what came early. */
  claim(peer: string): void {
    const early = this.#early.get(peer);
    this.#early.delete(peer);
    for (const data of early ?? []) {
      if (this.local.sendToPeer(peer, { t: 'signal', peerId: peer, data })) this.stats.signalsRelayed++;
    }
  }

  /** A local joiner's signal for its host on `hostInst`. */
  toHost(hostInst: string, sid: string, peer: string, data: SignalData): void {
    this.bus.send(hostInst, { k: 'sig', sid, peer, toHost: true, data });
  }

  /** A local host's signal for a joiner elsewhere; false when no such remote joiner. */
  toPeer(sid: string, peer: string, data: SignalData): boolean {
    const r = this.#remotePeers.get(peer);
    if (!r || r.sid !== sid) return false;
    this.bus.send(r.inst, { k: 'sig', sid, peer, toHost: false, data });
    return true;
  }

  /** A local joiner of a remote host went away. */
  left(hostInst: string, sid: string, peer: string): void {
    this.bus.send(hostInst, { k: 'left', sid, peer });
  }

  /** A local host went away: its remote joiners are told. */
  hostGone(sid: string): void {
    for (const [peer, r] of this.#remotePeers) {
      if (r.sid !== sid) continue;
      this.#remotePeers.delete(peer);
      this.bus.send(r.inst, { k: 'gone', peer });
    }
    void this.bus.releaseHost(sid);
  }

  #onMessage(m: RelayMessage): void {
    switch (m.k) {
      case 'join': {
        if (this.local.peersOf(m.sid) >= MASTER_MAX_PEERS_PER_SESSION) {
          this.stats.drop('ws_session_full');
          return this.bus.send(m.from, { k: 'refused', peer: m.peer, code: 'session_full' });
        }
        if (!this.local.sendToHost(m.sid, { t: 'peer', peerId: m.peer })) {
          return this.bus.send(m.from, { k: 'refused', peer: m.peer, code: 'unknown_session' });
        }
        this.#remotePeers.set(m.peer, { sid: m.sid, inst: m.from });
        this.local.addPeers(m.sid, 1);
        return this.bus.send(m.from, { k: 'joined', peer: m.peer });
      }
      case 'joined': {
        const finish = this.#pending.get(m.peer);
        if (finish) this.#early.set(m.peer, []);
        return finish?.({ ok: true });
      }
      case 'refused':
        return this.#pending.get(m.peer)?.({ ok: false, code: m.code });
      case 'sig': {
        if (!m.toHost) {
          const early = this.#early.get(m.peer);
          if (early) {
            if (early.length < MASTER_RELAY_EARLY_MAX) early.push(m.data);
            else this.stats.drop('ws_unknown_peer');
            return;
          }
          if (this.local.sendToPeer(m.peer, { t: 'signal', peerId: m.peer, data: m.data })) this.stats.signalsRelayed++;
          return;
        }
        if (this.#remotePeers.get(m.peer)?.sid !== m.sid) return this.stats.drop('ws_unknown_peer');
        if (this.local.sendToHost(m.sid, { t: 'signal', peerId: m.peer, data: m.data })) this.stats.signalsRelayed++;
        return;
      }
      case 'left': {
        if (this.#remotePeers.get(m.peer)?.sid !== m.sid) return;
        this.#remotePeers.delete(m.peer);
        this.local.addPeers(m.sid, -1);
        this.local.sendToHost(m.sid, { t: 'left', peerId: m.peer });
        return;
      }
      case 'gone':
        return this.local.closePeer(m.peer, 'host left');
    }
  }
}
