// Nat_PerformHandshake(peerId) (NT-2/NT-3, docs/requirements.md#nt-2): exchange ICE parameters and candidates with
// one peer through coop-master, run the connectivity checks, and attach the selected pair to
// the ENet datagram transport. Relay candidates are gathered from the start, so ICE's own pair
// priorities race direct against relayed and still prefer direct; if nothing succeeds within
// 5 s (NT-3, docs/requirements.md#nt-3), fetch fresh TURN credentials and connect relay-only.
// What a connection reports, read off the selected pair: connection-stats.ts.
import { CandidatePairState } from 'werift-ice';
import type { SignalData, TurnCredentials } from '../../protocol/master-wire.js';
import type { DatagramAddress } from '../enet/transport.js';
import {
  NAT_PEER_SILENT_GRACE_MS,
  NAT_ATTEMPT_ALL,
  NAT_ATTEMPT_RELAY,
  NAT_DIRECT_FAILED_POLL_MS,
  NAT_DIRECT_TIMEOUT_MS,
  NAT_RELAY_GRACE_MS,
  NAT_RELAY_TIMEOUT_MS,
} from './constants.js';
import { icePathAddress, type IceDatagramTransport, type PathCounters } from './ice-transport.js';
import type { SignalLink } from './master-client.js';
import { NatClient, parseRemoteCandidate, pathOf, type CandidateType } from './nat-client.js';
import { pairEndpoints, remoteCandidateType, type ConnectionStats } from './connection-stats.js';

const INBOX_MAX = 256;
const EARLY_MAX = 64;

export const HANDSHAKE_STATES = ['gathering', 'checking', 'relay_fallback', 'connected', 'failed', 'closed'] as const;
export type HandshakeState = (typeof HANDSHAKE_STATES)[number];

export interface HandshakeOptions {
  /** The peer we connect to (host side: the joiner's id; joiner side: its own id from the master). */
  peerId: string;
  /** The joiner controls ICE; the host is controlled. */
  role: 'host' | 'joiner';
  signal: SignalLink;
  transport: IceDatagramTransport;
  stunServer: string;
  /** Fetches TURN credentials from the master (proving the identity); undefined = no relay. */
  getTurnCredentials?: () => Promise<TurnCredentials>;
  /** Gather relay candidates from the start (default true): the relay races direct. */
  relayFromStart?: boolean;
  directTimeoutMs?: number;
  /** Direct pairs get this long alone before relay pairs join the race (NAT_RELAY_GRACE_MS). */
  relayGraceMs?: number;
  relayTimeoutMs?: number;
  bindAddress?: string;
  now?: () => number;
  onState?: (from: HandshakeState, to: HandshakeState) => void;
}

export class NatConnection {
  #state: HandshakeState = 'gathering';
  #client: NatClient | undefined;
  #attempt = NAT_ATTEMPT_ALL;
  #startMs = 0;
  #connectMs: number | undefined;
  #local: CandidateType | undefined;
  #remote: CandidateType | undefined;
  #localEndpoint: string | undefined;
  #remoteEndpoint: string | undefined;
  /** Signals that arrived while no attempt was listening (or for a later attempt). */
  readonly #inbox: SignalData[] = [];
  #onRemote: ((d: SignalData) => void) | undefined;
  #dropsBadSignal = 0;
  #lastCounters: PathCounters | undefined;
  #heardFromPeer = false;
  #onFirstWord: (() => void) | undefined;
  /** Set by close(): a running handshake stops at its next step. */
  #closing = false;
  #abortAttempt: (() => void) | undefined;
  /** The ENet address of this peer on the shared transport, once connected. */
  address: DatagramAddress | undefined;

  constructor(private readonly o: HandshakeOptions) {
    o.signal.onData((d) => {
      this.#heardFromPeer = true;
      this.#onFirstWord?.();
      if (this.#onRemote) this.#onRemote(d);
      else if (this.#inbox.length < INBOX_MAX) this.#inbox.push(d);
      else this.#dropsBadSignal++;
    });
  }

  get state(): HandshakeState {
    return this.#state;
  }

  #setState(to: HandshakeState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.o.onState?.(from, to);
  }

  /** The remote side's candidate type of the selected pair (remoteCandidateType), else the last one known. */
  #remoteType(): CandidateType | undefined {
    const pair = this.#state === 'connected' ? this.#client?.connection.nominated : undefined;
    return pair ? remoteCandidateType(pair, (this.#client as NatClient).connection.remoteCandidates) : this.#remote;
  }

  stats(): ConnectionStats {
    // The transport forgets a path once closed or detached; the last counts stay ours.
    const c = this.o.transport.counters(this.o.peerId) ?? this.#lastCounters;
    if (c) this.#lastCounters = { ...c };
    const remote = this.#remoteType();
    if (remote) this.#remote = remote;
    return {
      peerId: this.o.peerId,
      state: this.#state,
      path: this.#local && remote ? pathOf(this.#local, remote) : undefined,
      localCandidate: this.#local,
      remoteCandidate: remote,
      gathered: this.#client?.localCandidateTypes() ?? [],
      localEndpoint: this.#localEndpoint,
      remoteEndpoint: this.#remoteEndpoint,
      connectMs: this.#connectMs,
      attempt: this.#attempt,
      bytesSent: c?.bytesSent ?? 0,
      bytesReceived: c?.bytesReceived ?? 0,
      dropsGarbage: c?.dropsGarbage ?? 0,
      dropsBadSignal: this.#dropsBadSignal,
    };
  }

  /** Runs the handshake; resolves once ENet can ride the selected pair. */
  async run(): Promise<this> {
    const now = this.o.now ?? (() => performance.now());
    this.#startMs = now();
    const direct = await this.#attemptOnce(NAT_ATTEMPT_ALL, this.o.directTimeoutMs ?? NAT_DIRECT_TIMEOUT_MS);
    if (this.#closing) return this.#fail('closed while connecting');
    if (!direct) {
      // A peer that never said a word (gone, or a join without ICE) gets no relay attempt.
      if (!(await this.#peerSpoke())) return this.#fail('the peer sent no ICE parameters');
      if (!this.o.getTurnCredentials) return this.#fail('no ICE pair within the direct timeout and no relay configured');
      this.#setState('relay_fallback');
      const relayed = await this.#attemptOnce(NAT_ATTEMPT_RELAY, this.o.relayTimeoutMs ?? NAT_RELAY_TIMEOUT_MS);
      if (this.#closing) return this.#fail('closed while connecting');
      if (!relayed) return this.#fail('relay-only attempt failed too');
    }
    this.#connectMs = now() - this.#startMs;
    const pair = this.#client?.connection.nominated;
    if (pair) {
      const ends = pairEndpoints(pair, this.o.bindAddress);
      this.#local = ends.local;
      this.#localEndpoint = ends.localEndpoint;
      this.#remoteEndpoint = ends.remoteEndpoint;
    }
    this.address = icePathAddress(this.o.peerId);
    this.o.transport.flush(this.o.peerId);
    this.#setState('connected');
    return this;
  }

  /** True once the peer has sent anything, waiting up to NAT_PEER_SILENT_GRACE_MS for it. */
  #peerSpoke(): Promise<boolean> {
    if (this.#heardFromPeer) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.#heardFromPeer), NAT_PEER_SILENT_GRACE_MS);
      this.#onFirstWord = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }

  /** Closes the path; a handshake still running gives up at once (its run() rejects). */
  async close(): Promise<void> {
    this.#closing = true;
    this.#abortAttempt?.();
    this.stats(); // keeps the last byte counts
    this.o.transport.detach(this.o.peerId);
    await this.#client?.close();
    this.#setState('closed');
  }

  #fail(why: string): never {
    if (this.#state !== 'closed') this.#setState('failed');
    void this.#client?.close();
    throw new Error(`NAT handshake with ${this.o.peerId} failed: ${why}`);
  }

  async #attemptOnce(attempt: number, timeoutMs: number): Promise<boolean> {
    if (this.#closing) return false;
    this.#attempt = attempt;
    const relayOnly = attempt === NAT_ATTEMPT_RELAY;
    let turn: TurnCredentials | undefined;
    if (relayOnly || this.o.relayFromStart !== false) {
      turn = await this.o.getTurnCredentials?.().catch(() => undefined);
      if (relayOnly && !turn) return false;
    }
    if (this.#client) await this.#client.close();
    if (this.#closing) return false;
    const client = new NatClient({ controlling: this.o.role === 'joiner', stunServer: this.o.stunServer, turn, relayOnly, bindAddress: this.o.bindAddress });
    this.#client = client;
    const conn = client.connection;
    const { signal } = this.o;
    // Attached before the checks finish: the peer's first ENet datagram may arrive on the pair
    // it just nominated a moment before our side sees the nomination.
    this.o.transport.attach(this.o.peerId, { onData: conn.onData, send: (d) => conn.send(d), ready: () => conn.nominated !== undefined });
    let poll: NodeJS.Timeout | undefined;
    let remoteEnded = false;
    if (!relayOnly && turn) {
      client.holdRelay(this.o.relayGraceMs ?? NAT_RELAY_GRACE_MS);
      // Every direct pair failed (symmetric NATs): no reason to keep the relay waiting.
      poll = setInterval(() => {
        const direct = conn.checkList.filter((p) => p.localCandidate.type !== 'relay' && p.remoteCandidate.type !== 'relay');
        if (remoteEnded && direct.length > 0 && direct.every((p) => p.state === CandidatePairState.FAILED)) {
          client.releaseRelay();
          clearInterval(poll);
        }
      }, NAT_DIRECT_FAILED_POLL_MS);
    }
    this.#setState(relayOnly ? 'relay_fallback' : 'gathering');

    client.onCandidate((cand) => signal.send({ kind: 'cand', attempt, cand }));
    signal.send({ kind: 'params', attempt, ufrag: conn.localUsername, pwd: conn.localPassword });
    const gathered = client.startNat().then(
      () => undefined,
      () => undefined,
    );
    void gathered.then(() => signal.send({ kind: 'end', attempt }));

    let timer: NodeJS.Timeout | undefined;
    const outcome = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.#abortAttempt = () => resolve(false);
      let haveParams = false;
      const early: SignalData[] = [];
      const apply = (d: SignalData): void => {
        if (d.kind === 'cand') {
          const c = parseRemoteCandidate(d.cand);
          if (!c) {
            this.#dropsBadSignal++;
            return;
          }
          void conn.addRemoteCandidate(c);
        } else if (d.kind === 'end') {
          // Not passed to werift-ice: once told, it stops scheduling checks when the list runs
          // dry, and pairs added later (our held relay, late candidates) would never be checked.
          // Our own timeouts bound the attempt instead.
          remoteEnded = true;
        }
      };
      this.#onRemote = (d) => {
        if (d.attempt > attempt) {
          // The peer gave up on this attempt: keep its message for the next one.
          if (this.#inbox.length < INBOX_MAX) this.#inbox.push(d);
          return resolve(false);
        }
        if (d.attempt < attempt) return; // stale
        if (d.kind === 'params') {
          if (haveParams) return;
          haveParams = true;
          conn.setRemoteParams({ iceLite: false, usernameFragment: d.ufrag, password: d.pwd });
          for (const e of early.splice(0)) apply(e);
          this.#setState(relayOnly ? 'relay_fallback' : 'checking');
          conn.connect().then(
            () => resolve(true),
            () => resolve(false),
          );
          return;
        }
        if (!haveParams) {
          if (early.length < EARLY_MAX) early.push(d);
          else this.#dropsBadSignal++;
          return;
        }
        apply(d);
      };
      const handler = this.#onRemote;
      for (const d of this.#inbox.splice(0)) handler(d);
    });
    const ok = await outcome;
    clearTimeout(timer);
    clearInterval(poll);
    // Once a pair is selected, late candidates of this attempt are still added (they name the
    // selected pair's remote side); signals of other attempts are ignored.
    this.#onRemote = ok
      ? (d) => {
          if (d.attempt === attempt && d.kind === 'cand') {
            const c = parseRemoteCandidate(d.cand);
            if (c) void conn.addRemoteCandidate(c);
          }
        }
      : undefined;
    return ok && conn.nominated !== undefined;
  }
}

/** Seed Nat_PerformHandshake(peerId): connect to one peer; resolves when ENet can ride it. */
export function natPerformHandshake(opts: HandshakeOptions): Promise<NatConnection> {
  return new NatConnection(opts).run();
}
