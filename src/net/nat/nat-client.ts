// NatClient (NT-1, docs/requirements.md#nt-1): one ICE agent (werift-ice) that gathers host,
// server-reflexive (STUN) and relayed (TURN) candidates. `startNat()` is NT-1's StartNat(): it
// gathers and reports the public address; `onCandidate(cb)` is NT-1's OnCandidate(candStr), fired per candidate
// as it is found (trickle). STUN and TURN servers always come from the caller's configuration.
import { isIP } from 'node:net';
import { Candidate, Connection, type IceOptions } from 'werift-ice';
import type { TurnCredentials } from '../../protocol/master-wire.js';
import { NAT_DEFAULT_STUN } from './constants.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type NatPath = 'host' | 'srflx' | 'relay';

export interface NatClientOptions {
  /** ICE controlling side (the joiner); the host is controlled. */
  controlling: boolean;
  /** `host:port` of a STUN server (players default to a public one; tests pass their own). */
  stunServer?: string;
  /** TURN credentials from coop-master; relay candidates are gathered only with these. */
  turn?: TurnCredentials;
  /** Gather only relay candidates (the 5 s fallback). */
  relayOnly?: boolean;
  /** Bind ICE sockets to this IPv4 address only (tests, multi-homed hosts). */
  bindAddress?: string;
}

export interface PublicAddress {
  address: string;
  port: number;
}

/** `host:port` → [host, port]; throws TypeError on a bad value (misuse, not hostile input). */
export function parseHostPort(s: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new TypeError(`expected host:port, got '${s}'`);
  return [m[1], port];
}

/** `turn:host:port?transport=udp` → [host, port]. */
export function parseTurnUri(uri: string): [string, number] {
  const m = /^turns?:([^?]+)/.exec(uri);
  if (!m) throw new TypeError(`not a TURN URI: '${uri}'`);
  return parseHostPort(m[1].includes(':') ? m[1] : `${m[1]}:3478`);
}

/** Parses a remote `candidate:` line; undefined for anything hostile or unusable. */
export function parseRemoteCandidate(s: string): Candidate | undefined {
  try {
    const c = Candidate.fromSdp(s.replace(/^candidate:/, ''));
    // Only literal addresses: a hostname (e.g. `.local`) would make us resolve it.
    if (!isIP(c.host) || !Number.isInteger(c.port) || c.port < 1 || c.port > 65535) return undefined;
    if (c.transport.toLowerCase() !== 'udp' || c.component !== 1) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

export function pathOf(local: string, remote: string): NatPath {
  if (local === 'relay' || remote === 'relay') return 'relay';
  if (local === 'host' && remote === 'host') return 'host';
  return 'srflx';
}

/**
 * werift-ice 0.2.3 pairs a new host socket with the remote candidates already known, but not a
 * new TURN allocation: a relay candidate gathered after the remote candidates arrived would never
 * be checked. Pair every local socket again (werift skips pairs that exist already).
 */
function pairLateProtocols(conn: Connection): void {
  const inner = conn as unknown as { protocols?: unknown[]; pairLocalProtocol?: (p: unknown) => void };
  if (!Array.isArray(inner.protocols) || typeof inner.pairLocalProtocol !== 'function') return;
  for (const p of inner.protocols) inner.pairLocalProtocol.call(conn, p);
}

export class NatClient {
  readonly connection: Connection;
  readonly #candidateListeners: ((candStr: string) => void)[] = [];
  /** Relay candidates gathered but not yet checked or announced (see holdRelay). */
  readonly #heldRelay: string[] = [];
  #relayHeld = false;
  #relayTimer: NodeJS.Timeout | undefined;

  constructor(opts: NatClientOptions) {
    const ice: Partial<IceOptions> = {
      stunServer: parseHostPort(opts.stunServer ?? NAT_DEFAULT_STUN),
      useIpv4: true,
      useIpv6: false,
    };
    if (opts.turn && opts.turn.uris.length > 0) {
      ice.turnServer = parseTurnUri(opts.turn.uris[0]);
      ice.turnUsername = opts.turn.username;
      ice.turnPassword = opts.turn.password;
      ice.turnTransport = 'udp';
      ice.forceTurn = opts.relayOnly === true;
    }
    if (opts.bindAddress) {
      ice.interfaceAddresses = { udp4: opts.bindAddress };
      ice.additionalHostAddresses = [opts.bindAddress];
    }
    // While relay is held, no pair uses our relay allocation (triggered checks cannot either:
    // the peer does not know it yet).
    ice.filterCandidatePair = (pair) => !this.#relayHeld || pair.localCandidate.type !== 'relay';
    this.connection = new Connection(opts.controlling, ice);
    const bind = opts.bindAddress;
    this.connection.onIceCandidate.subscribe((c) => {
      if (c.type === 'relay') pairLateProtocols(this.connection);
      // With a bind address werift still names the other interfaces' addresses in host
      // candidates, but their sockets are bound to `bind`: announce where they really listen.
      const sdp = bind && c.type === 'host' && c.host !== bind ? c.toSdp().replace(` ${c.host} ${c.port} typ host`, ` ${bind} ${c.port} typ host`) : c.toSdp();
      const line = `candidate:${sdp}`;
      if (c.type === 'relay' && this.#relayHeld) {
        this.#heldRelay.push(line);
        return;
      }
      for (const l of this.#candidateListeners) l(line);
    });
  }

  /**
   * Gather relay candidates now but give direct pairs `ms` alone before relay pairs are checked
   * and announced: relay checks succeed at once while a hole punch needs a retransmission or
   * two, so an unheld relay would win races that direct should win. Released early by
   * `releaseRelay()` (e.g. when every direct pair has failed).
   */
  holdRelay(ms: number): void {
    this.#relayHeld = true;
    this.#relayTimer = setTimeout(() => this.releaseRelay(), ms);
  }

  releaseRelay(): void {
    clearTimeout(this.#relayTimer);
    if (!this.#relayHeld) return;
    this.#relayHeld = false;
    pairLateProtocols(this.connection);
    for (const line of this.#heldRelay.splice(0)) for (const l of this.#candidateListeners) l(line);
  }

  /** Seed OnCandidate(candStr): called for every local candidate, as soon as it is found. */
  onCandidate(cb: (candStr: string) => void): void {
    this.#candidateListeners.push(cb);
  }

  /** Seed StartNat(): gathers all candidates; resolves with the public (server-reflexive) address. */
  async startNat(): Promise<PublicAddress | undefined> {
    await this.connection.gatherCandidates();
    return this.publicAddress();
  }

  publicAddress(): PublicAddress | undefined {
    const c = this.connection.localCandidates.find((x) => x.type === 'srflx');
    return c ? { address: c.host, port: c.port } : undefined;
  }

  localCandidateTypes(): CandidateType[] {
    return this.connection.localCandidates.map((c) => c.type as CandidateType);
  }

  async close(): Promise<void> {
    clearTimeout(this.#relayTimer);
    await this.connection.close();
  }
}
