// A packet as the application sees it: bytes plus ENet's packet flags.
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PACKET_FLAG_UNSEQUENCED } from './constants.js';

export interface EnetPacket {
  readonly data: Uint8Array;
  /** ENET_PACKET_FLAG_* bits. */
  readonly flags: number;
}

/**
 * How to send. Nothing set = unreliable sequenced. `reliable` wins over the others, as in ENet;
 * `unsequenced` = may arrive in any order, never twice; `unreliableFragment` = a packet bigger
 * than one datagram is sent as unreliable fragments (otherwise ENet sends it reliably).
 */
export interface SendOptions {
  reliable?: boolean;
  unsequenced?: boolean;
  unreliableFragment?: boolean;
}

/** ENET_PACKET_FLAG_* bits from options, or the bits themselves (e.g. a received packet's flags). */
export function packetFlagsFrom(options: SendOptions | number | undefined): number {
  if (options === undefined) return 0;
  if (typeof options === 'number') {
    return options & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED | ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT);
  }
  return (
    (options.reliable ? ENET_PACKET_FLAG_RELIABLE : 0) |
    (options.unsequenced ? ENET_PACKET_FLAG_UNSEQUENCED : 0) |
    (options.unreliableFragment ? ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT : 0)
  );
}

/**
 * A packet owning a private copy of `data` (the caller may reuse its buffer afterwards). The copy
 * comes from Node's shared Buffer pool (small sizes): a server queues a snapshot per client per
 * tick, and a fresh ArrayBuffer per packet (slice) cost an allocation and its GC each.
 */
export function createPacket(data: Uint8Array, flags: number): EnetPacket {
  const copy = Buffer.allocUnsafe(data.length);
  copy.set(data);
  return { data: copy, flags };
}
