// Unauthenticated connections, bounded apart from the player slots. Every transport link that
// has not proved an identity and been admitted (Hello not yet sent, Challenge not yet answered,
// or refused and still lingering so the Refused can reach it) holds an entry here, at most
// HANDSHAKE_MAX_PER_ADDRESS from one source address and HANDSHAKE_MAX_TOTAL in all.
//
// Full → evict, never refuse: refusing the newcomer is exactly what lets a stranger who opens
// connections and never answers lock players out. Which one goes:
//   - the source address is at its bound: that address's oldest (it only competes with itself);
//   - the table is full: a lingering (already refused) one first, else the oldest entry of the
//     address holding the most entries — a lone genuine joiner is never the one evicted while
//     any address holds two or more, so spreading a flood over many addresses buys an attacker
//     one entry per address, not the joiner's.
// Why not a stateless cookie (netcode.io, DTLS): the ENet slot is taken by the first datagram,
// before any coop message, and ENet's wire format has no room for a cookie round trip that the
// C library would still speak. Eviction bounds both layers (src/net/enet/half-open.ts below).
import { ConnState, type Connection } from './connection.js';

export interface HandshakeSlotLimits {
  perAddress: number;
  total: number;
}

export type HandshakeEviction = 'per_address' | 'total';

/** The source address of a link address `ip:port` (`[v6]:port`, `ice:<id>:port`): all but the port. */
export function sourceOf(linkAddress: string): string {
  const i = linkAddress.lastIndexOf(':');
  return i > 0 ? linkAddress.slice(0, i) : linkAddress;
}

export class HandshakeSlots {
  readonly limits: HandshakeSlotLimits;
  /** Insertion order is age: the first entry is the oldest. */
  readonly #entries = new Map<Connection, string>();
  readonly #perSource = new Map<string, number>();

  constructor(limits: HandshakeSlotLimits) {
    if (!(limits.perAddress >= 1 && limits.total >= limits.perAddress))
      throw new RangeError(`handshake slots need 1 <= perAddress <= total, got ${limits.perAddress}, ${limits.total}`);
    this.limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }
  has(conn: Connection): boolean {
    return this.#entries.has(conn);
  }
  countFrom(source: string): number {
    return this.#perSource.get(source) ?? 0;
  }

  /**
   * Makes room for `conn` and records it. Returns the connection to evict (already taken out of
   * the table; the caller closes its link at once) and why, or undefined when there was room.
   */
  admit(conn: Connection): { victim: Connection; why: HandshakeEviction } | undefined {
    const source = sourceOf(conn.link.address);
    let out: { victim: Connection; why: HandshakeEviction } | undefined;
    if (this.countFrom(source) >= this.limits.perAddress) out = { victim: this.#oldestFrom(source), why: 'per_address' };
    else if (this.#entries.size >= this.limits.total) out = { victim: this.#victimWhenFull(), why: 'total' };
    if (out) this.remove(out.victim);
    this.#entries.set(conn, source);
    this.#perSource.set(source, this.countFrom(source) + 1);
    return out;
  }

  remove(conn: Connection): void {
    const source = this.#entries.get(conn);
    if (source === undefined) return;
    this.#entries.delete(conn);
    const n = this.countFrom(source) - 1;
    if (n > 0) this.#perSource.set(source, n);
    else this.#perSource.delete(source);
  }

  #oldestFrom(source: string): Connection {
    let first: Connection | undefined;
    for (const [c, s] of this.#entries) {
      if (s !== source) continue;
      if (c.state === ConnState.CLOSED) return c;
      first ??= c;
    }
    return first!;
  }

  #victimWhenFull(): Connection {
    for (const c of this.#entries.keys()) if (c.state === ConnState.CLOSED) return c;
    let most = 0;
    for (const n of this.#perSource.values()) most = Math.max(most, n);
    for (const [c, s] of this.#entries) if (this.countFrom(s) === most) return c;
    throw new Error('unreachable: a full table has entries');
  }
}
