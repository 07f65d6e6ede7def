// Half-open connections at the ENet level. A CONNECT takes a peer slot at once (state
// ACKNOWLEDGING_CONNECT) and holds it until our VERIFY_CONNECT is acknowledged or ENet's resend
// timeout gives up (seconds): a sender that never acknowledges can fill every slot with a few
// hundred datagrams. ENet's wire protocol has no room for a stateless cookie (the slot is taken
// by the first datagram, and the C library must still interoperate), so the host bounds these
// peers instead: at most `perAddress` from one IP address and `total` in all, separately from
// connected peers; a CONNECT over a bound (or finding no free slot) evicts the oldest
// half-open peer rather than being refused, so the newest, possibly genuine, one gets through.
// An evicted peer never connected: no event is owed, it is reset and counted.
import type { EnetHost } from './host.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import type { DatagramAddress } from './transport.js';

export interface HalfOpenLimits {
  /** Half-open peers from one IP address. */
  perAddress: number;
  /** Half-open peers in all. */
  total: number;
}

/** Why a half-open peer was evicted. */
export type HalfOpenEviction = 'per_address' | 'total' | 'no_free_slot';

function oldest(peers: Peer[]): Peer | undefined {
  let best: Peer | undefined;
  for (const p of peers) if (best === undefined || p.halfOpenOrder < best.halfOpenOrder) best = p;
  return best;
}

/**
 * Called for every CONNECT before a slot is chosen: evicts what the bounds require so that the
 * new connection fits. Returns the evictions made (each also reported to the host).
 */
export function makeRoomForConnect(host: EnetHost, from: DatagramAddress, limits: HalfOpenLimits): HalfOpenEviction[] {
  const halfOpen = host.slots.filter((p) => p.state === PeerState.ACKNOWLEDGING_CONNECT);
  const evicted: HalfOpenEviction[] = [];
  const evict = (peer: Peer | undefined, why: HalfOpenEviction): void => {
    if (!peer) return;
    halfOpen.splice(halfOpen.indexOf(peer), 1);
    const address = peer.address;
    peer.reset();
    evicted.push(why);
    host.onHalfOpenEvicted(address, why);
  };
  const sameAddress = halfOpen.filter((p) => p.address.address === from.address);
  if (sameAddress.length >= limits.perAddress) evict(oldest(sameAddress), 'per_address');
  else if (halfOpen.length >= limits.total) evict(oldest(halfOpen), 'total');
  if (!host.slots.some((p) => p.state === PeerState.DISCONNECTED)) evict(oldest(halfOpen), 'no_free_slot');
  return evicted;
}
